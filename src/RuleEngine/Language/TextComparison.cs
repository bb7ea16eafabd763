namespace RuleEngine.Language;

/// <summary>Orders text by Unicode code point, which is also UTF-8 byte order (the order SQL engines use).</summary>
internal static class TextComparison
{
    public static int CompareCodePoints(string a, string b)
    {
        int length = Math.Min(a.Length, b.Length);
        for (int i = 0; i < length; i++)
        {
            char x = a[i];
            char y = b[i];
            if (x != y)
            {
                return Fix(x) - Fix(y);
            }
        }

        return a.Length - b.Length;
    }

    /// <summary>Moves surrogates above U+E000–U+FFFF, so UTF-16 units sort as code points.</summary>
    private static int Fix(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
}
