namespace RuleEngine.ChineseData;

/// <summary>Unified social credit codes (统一社会信用代码, GB 32100-2015): normalisation and the check character.</summary>
public static class CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Normalises a credit code: trims, folds full-width characters, removes spaces and upper-cases.</summary>
    /// <param name="value">The raw text.</param>
    /// <returns>The normalised code.</returns>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string folded = IdNumber.FoldWidth(value);
        Span<char> buffer = folded.Length <= 64 ? stackalloc char[folded.Length] : new char[folded.Length];
        int length = 0;
        foreach (char c in folded)
        {
            if (!char.IsWhiteSpace(c) && c != '\u200B')
            {
                buffer[length++] = char.ToUpperInvariant(c);
            }
        }

        return buffer[..length].ToString();
    }

    /// <summary>Tells whether a credit code has 18 characters of the code's alphabet and the right check character.</summary>
    /// <param name="value">The code, normalised or not.</param>
    /// <returns>Whether the code is valid.</returns>
    public static bool IsValid(string? value)
    {
        if (value is null)
        {
            return false;
        }

        string code = Normalize(value);
        if (code.Length != 18)
        {
            return false;
        }

        int sum = 0;
        for (int i = 0; i < 17; i++)
        {
            int v = Alphabet.IndexOf(code[i], StringComparison.Ordinal);
            if (v < 0)
            {
                return false;
            }

            sum += v * Weights[i];
        }

        int check = (31 - (sum % 31)) % 31;
        return Alphabet[check] == code[17];
    }

    /// <summary>Computes the check character of the first 17 characters.</summary>
    /// <param name="body">The 17 characters.</param>
    /// <returns>The check character.</returns>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> body)
    {
        if (body.Length != 17)
        {
            throw new ArgumentException("The body of a credit code is 17 characters.", nameof(body));
        }

        int sum = 0;
        for (int i = 0; i < 17; i++)
        {
            int v = Alphabet.IndexOf(body[i]);
            if (v < 0)
            {
                throw new ArgumentException("The body holds a character outside the credit-code alphabet.", nameof(body));
            }

            sum += v * Weights[i];
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }
}
