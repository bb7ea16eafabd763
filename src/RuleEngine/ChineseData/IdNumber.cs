using System.Text;

namespace RuleEngine.ChineseData;

/// <summary>
/// Citizen ID numbers (公民身份号码, GB 11643-1999): normalisation, the ISO 7064 MOD 11-2 check character,
/// 15-digit legacy upgrade and the attributes an ID encodes (birth date, sex, region).
/// </summary>
public static class IdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";
    private static readonly DateOnly EarliestBirthDate = new(1890, 1, 1);

    /// <summary>
    /// Normalises an ID number: trims, folds full-width digits, removes inner spaces, upper-cases <c>x</c>,
    /// and upgrades a valid-looking 15-digit legacy number to 18 characters. Text that does not look like an ID
    /// is returned trimmed and folded but otherwise unchanged, so it can still be reported as invalid.
    /// </summary>
    /// <param name="value">The raw text.</param>
    /// <returns>The normalised text.</returns>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Normalize(value.AsSpan());
    }

    /// <summary>Normalises an ID number held in a span; see <see cref="Normalize(string)"/>.</summary>
    /// <param name="value">The raw text.</param>
    /// <returns>The normalised text.</returns>
    public static string Normalize(ReadOnlySpan<char> value)
    {
        Span<char> buffer = stackalloc char[20];
        int length = 0;
        foreach (char raw in value)
        {
            char c = raw switch
            {
                >= '０' and <= '９' => (char)('0' + (raw - '０')),
                'ｘ' or 'Ｘ' or 'x' => 'X',
                _ => raw,
            };
            if (c is ' ' or '\u3000' or '\t' or '\u200B' or '\uFEFF')
            {
                continue;
            }

            if (length == buffer.Length)
            {
                return value.Trim().ToString();
            }

            buffer[length++] = c;
        }

        ReadOnlySpan<char> cleaned = buffer[..length];
        if (length == 15 && IsAllDigits(cleaned))
        {
            Span<char> upgraded = stackalloc char[18];
            cleaned[..6].CopyTo(upgraded);
            upgraded[6] = '1';
            upgraded[7] = '9';
            cleaned[6..].CopyTo(upgraded[8..]);
            upgraded[17] = ComputeCheckCharacter(upgraded[..17]);
            return upgraded.ToString();
        }

        return cleaned.ToString();
    }

    /// <summary>
    /// Tells whether a (normalised) ID number is valid: 18 characters, digits with a final digit or <c>X</c>,
    /// a known province prefix, a real birth date between 1890 and <paramref name="asOf"/>, and the right check character.
    /// </summary>
    /// <param name="value">The ID number, normalised or not.</param>
    /// <param name="asOf">The date after which a birth date is in the future; <see langword="null"/> skips that check.</param>
    /// <returns>Whether the number is valid.</returns>
    public static bool IsValid(string? value, DateOnly? asOf = null)
    {
        if (value is null)
        {
            return false;
        }

        string id = value.Length == 18 && IsAllDigits(value.AsSpan(0, 17)) && (char.IsAsciiDigit(value[17]) || value[17] == 'X') ? value : Normalize(value);
        if (id.Length != 18 || !IsAllDigits(id.AsSpan(0, 17)) || !(char.IsAsciiDigit(id[17]) || id[17] == 'X'))
        {
            return false;
        }

        if (!IsProvinceCode(id.AsSpan(0, 2)) || !TryParseBirthDate(id, out DateOnly birth))
        {
            return false;
        }

        if (birth < EarliestBirthDate || (asOf is { } limit && birth > limit))
        {
            return false;
        }

        return ComputeCheckCharacter(id.AsSpan(0, 17)) == id[17];
    }

    /// <summary>Reads the birth date of a valid ID number.</summary>
    /// <param name="value">The ID number.</param>
    /// <param name="birthDate">The birth date.</param>
    /// <returns>Whether the number is valid and so has a birth date.</returns>
    public static bool TryGetBirthDate(string? value, out DateOnly birthDate)
    {
        birthDate = default;
        return IsValid(value) && TryParseBirthDate(Normalize(value!), out birthDate);
    }

    /// <summary>Reads the sex encoded in a valid ID number: <c>男</c> (odd sequence) or <c>女</c> (even).</summary>
    /// <param name="value">The ID number.</param>
    /// <returns>The sex, or <see langword="null"/> when the number is not valid.</returns>
    public static string? GetGender(string? value)
    {
        if (!IsValid(value))
        {
            return null;
        }

        return (Normalize(value!)[16] - '0') % 2 == 1 ? "男" : "女";
    }

    /// <summary>Reads the 6-digit division code (address code at issue time) of a valid ID number.</summary>
    /// <param name="value">The ID number.</param>
    /// <returns>The division code, or <see langword="null"/> when the number is not valid.</returns>
    public static string? GetRegion(string? value) => IsValid(value) ? Normalize(value!)[..6] : null;

    /// <summary>Computes the holder's age in whole years on a date.</summary>
    /// <param name="value">The ID number.</param>
    /// <param name="date">The date of the age.</param>
    /// <returns>The age, or <see langword="null"/> when the number is not valid.</returns>
    public static int? GetAgeAt(string? value, DateOnly date) =>
        TryGetBirthDate(value, out DateOnly birth) ? DateCalculations.FullYearsBetween(birth, date) : null;

    /// <summary>Computes the check character of the first 17 digits (ISO 7064 MOD 11-2).</summary>
    /// <param name="body">The 17 digits.</param>
    /// <returns>The check character, <c>0</c>–<c>9</c> or <c>X</c>.</returns>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> body)
    {
        if (body.Length != 17 || !IsAllDigits(body))
        {
            throw new ArgumentException("The body of an ID number is 17 digits.", nameof(body));
        }

        int sum = 0;
        for (int i = 0; i < 17; i++)
        {
            sum += (body[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>
    /// The birth date in characters 7–14 (<c>yyyyMMdd</c>), read digit by digit: every record's ID numbers are checked,
    /// and a culture-aware exact parse cost more than the rest of the check.
    /// </summary>
    private static bool TryParseBirthDate(string id, out DateOnly birth)
    {
        birth = default;
        ReadOnlySpan<char> digits = id.AsSpan(6, 8);
        if (digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        int year = ((digits[0] - '0') * 1000) + ((digits[1] - '0') * 100) + ((digits[2] - '0') * 10) + (digits[3] - '0');
        int month = ((digits[4] - '0') * 10) + (digits[5] - '0');
        int day = ((digits[6] - '0') * 10) + (digits[7] - '0');
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        birth = new DateOnly(year, month, day);
        return true;
    }

    private static bool IsProvinceCode(ReadOnlySpan<char> prefix)
    {
        int code = ((prefix[0] - '0') * 10) + (prefix[1] - '0');
        return code is (>= 11 and <= 15) or (>= 21 and <= 23) or (>= 31 and <= 37) or (>= 41 and <= 46)
            or (>= 50 and <= 54) or (>= 61 and <= 65) or 71 or 81 or 82 or 83;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> span) => !span.ContainsAnyExceptInRange('0', '9');

    internal static string FoldWidth(string value)
    {
        if (!value.AsSpan().ContainsAnyInRange('\uFF01', '\uFF5E'))
        {
            return value;
        }

        return value.Normalize(NormalizationForm.FormKC);
    }
}
