using RuleEngine.Schema;

namespace RuleEngine.ChineseData;

/// <summary>Masks personal data for output: ID numbers, names and phone numbers. Masking is idempotent.</summary>
public static class PersonalDataMasker
{
    /// <summary>Masks a value according to its kind.</summary>
    /// <param name="value">The value; <see langword="null"/> stays <see langword="null"/>.</param>
    /// <param name="kind">What kind of personal data it is.</param>
    /// <returns>The masked value.</returns>
    public static string? Mask(string? value, PersonalDataKind kind) => value is null ? null : kind switch
    {
        PersonalDataKind.None => value,
        PersonalDataKind.IdNumber => MaskIdNumber(value),
        PersonalDataKind.Name => MaskName(value),
        PersonalDataKind.Phone => MaskPhone(value),
        _ => "****",
    };

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
