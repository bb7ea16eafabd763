using System.Buffers;
using RuleEngine.Schema;

namespace RuleEngine.ChineseData;

/// <summary>Masks personal data for output: ID numbers, names and phone numbers. Masking is idempotent.</summary>
public static class PersonalDataMasker
{
    /// <summary>
    /// Masks a value according to its kind. A value not declared personal (<see cref="PersonalDataKind.None"/>) is
    /// kept, except the valid ID numbers it mentions (birth date and check character right): an ID number is
    /// recognised with certainty wherever it stands, so it is masked even where no one said the field holds one.
    /// </summary>
    /// <param name="value">The value; <see langword="null"/> stays <see langword="null"/>.</param>
    /// <param name="kind">What kind of personal data it is.</param>
    /// <returns>The masked value.</returns>
    public static string? Mask(string? value, PersonalDataKind kind) => value is null ? null : kind switch
    {
        PersonalDataKind.None => MaskIdNumbersWithin(value),
        PersonalDataKind.IdNumber => MaskIdNumber(value),
        PersonalDataKind.Name => MaskName(value),
        PersonalDataKind.Phone => MaskPhone(value),
        PersonalDataKind.Text => MaskText(value),
        _ => "****",
    };

    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789０１２３４５６７８９");

    /// <summary>
    /// Masks the numbers inside free text (a judgment's facts, a note) that identify a person: every run of 18
    /// characters shaped like an ID number (17 digits and a digit or <c>X</c>) or of 15 digits, as
    /// <see cref="MaskIdNumber"/> does, and every mobile number (11 digits starting 13 to 19), as
    /// <see cref="MaskPhone"/> does; full-width digits count, and a code that happens to look like one is masked too. Names cannot be told from other words and stay.
    /// The rest of the text is kept; a text with nothing to mask is returned as it is.
    /// </summary>
    /// <param name="value">The text.</param>
    /// <returns>The text with those numbers masked.</returns>
    public static string MaskText(string value) => MaskWithin(value, declared: true);

    /// <summary>The valid ID numbers inside a text not declared personal masked; other digit runs (decision numbers, accounts, phones) kept.</summary>
    private static string MaskIdNumbersWithin(string value) => MaskWithin(value, declared: false);

    private static string MaskWithin(string value, bool declared)
    {
        ArgumentNullException.ThrowIfNull(value);
        ReadOnlySpan<char> text = value;
        if (text.Length < 11 || (!text.ContainsAnyInRange('0', '9') && !text.ContainsAnyInRange('０', '９')))
        {
            return value; // the most common case: too short to hold an 11-digit number, or no digit at all
        }

        char[]? masked = null;
        int pos = 0;
        while (pos < text.Length)
        {
            int found = text[pos..].IndexOfAny(Digits);
            if (found < 0)
            {
                break;
            }

            int start = pos + found;
            int end = start;
            while (end < text.Length && Digits.Contains(text[end]))
            {
                end++;
            }

            if (end - start == 17 && end < text.Length && text[end] is 'X' or 'x' or 'Ｘ' or 'ｘ')
            {
                end++;
            }

            (int keep, int hidden) = (end - start) switch
            {
                18 when declared || IdNumber.IsValid(text.Slice(start, 18).ToString()) => (6, 8),
                15 when declared => (6, 6),
                11 when declared && Digit(text[start]) == 1 && Digit(text[start + 1]) >= 3 => (3, 4),
                _ => (0, 0),
            };
            if (hidden > 0)
            {
                masked ??= value.ToCharArray();
                masked.AsSpan(start + keep, hidden).Fill('*');
            }

            pos = end;
        }

        return masked is null ? value : new string(masked);
    }

    private static int Digit(char c) => c >= '０' ? c - '０' : c - '0';

    /// <summary>
    /// Masks an ID number: 18 characters keep the first 6 and last 4 (<c>110105********1234</c>),
    /// 15 digits keep the first 6 and last 3 (<c>110105******123</c>); anything else is masked entirely. Masks keep the length, so masking is idempotent.
    /// </summary>
    /// <param name="value">The ID number.</param>
    /// <returns>The masked ID number.</returns>
    public static string MaskIdNumber(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string id = value.Trim();
        return id.Length switch
        {
            18 => string.Concat(id.AsSpan(0, 6), "********", id.AsSpan(14, 4)),
            15 => string.Concat(id.AsSpan(0, 6), "******", id.AsSpan(12, 3)),
            _ => "****",
        };
    }

    /// <summary>Masks a name: <c>张三丰</c> → <c>张*丰</c>, <c>张三</c> → <c>张*</c>, a single character → <c>*</c>.</summary>
    /// <param name="value">The name.</param>
    /// <returns>The masked name.</returns>
    public static string MaskName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string name = value.Trim();
        var runes = name.EnumerateRunes().ToArray();
        return runes.Length switch
        {
            0 => string.Empty,
            1 => "*",
            2 => runes[0] + "*",
            _ => runes[0] + new string('*', runes.Length - 2) + runes[^1],
        };
    }

    /// <summary>Masks a phone number, keeping the first 3 and last 4 digits of 11 (<c>138****8000</c>).</summary>
    /// <param name="value">The phone number.</param>
    /// <returns>The masked phone number.</returns>
    public static string MaskPhone(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string phone = value.Trim();
        return phone.Length >= 11
            ? string.Concat(phone.AsSpan(0, 3), new string('*', phone.Length - 7), phone.AsSpan(phone.Length - 4))
            : "****";
    }
}
