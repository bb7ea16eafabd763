namespace RuleEngine.Language;

/// <summary>
/// A compiled SQL LIKE pattern: <c>%</c> matches any run of characters, <c>_</c> exactly one (a code point).
/// Common shapes become ordinal Equals, StartsWith, EndsWith or Contains; the rest use a linear-space
/// wildcard match that cannot backtrack exponentially. Case-sensitive.
/// </summary>
internal sealed class LikePattern
{
    private enum Shape
    {
        Exact,
        Prefix,
        Suffix,
        Infix,
        General,
    }

    private readonly Shape _shape;
    private readonly string _literal;
    private readonly int[] _pattern;

    private LikePattern(Shape shape, string literal, int[] pattern)
    {
        _shape = shape;
        _literal = literal;
        _pattern = pattern;
    }

    public static LikePattern Compile(string pattern)
    {
        if (!pattern.Contains('_', StringComparison.Ordinal))
        {
            string core = pattern.Trim('%');
            if (!core.Contains('%', StringComparison.Ordinal))
            {
                bool leading = pattern.StartsWith('%');
                bool trailing = pattern.EndsWith('%') && pattern.Length > (leading ? 1 : 0);
                Shape shape = (leading, trailing) switch
                {
                    (false, false) => Shape.Exact,
                    (false, true) => Shape.Prefix,
                    (true, false) => Shape.Suffix,
                    _ => Shape.Infix,
                };
                return new LikePattern(shape, core, []);
            }
        }

        return new LikePattern(Shape.General, pattern, ToCodePoints(pattern));
    }

    public static bool Matches(string text, string pattern) => Compile(pattern).IsMatch(text);

    public bool IsMatch(string text) => _shape switch
    {
        Shape.Exact => string.Equals(text, _literal, StringComparison.Ordinal),
        Shape.Prefix => text.StartsWith(_literal, StringComparison.Ordinal),
        Shape.Suffix => text.EndsWith(_literal, StringComparison.Ordinal),
        Shape.Infix => text.Contains(_literal, StringComparison.Ordinal),
        _ => MatchGeneral(ToCodePoints(text), _pattern),
    };

    private static bool MatchGeneral(int[] text, int[] pattern)
    {
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '_' || (pattern[p] != '%' && pattern[p] == text[t])))
            {
                t++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '%')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '%')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static int[] ToCodePoints(string text)
    {
        var points = new List<int>(text.Length);
        foreach (System.Text.Rune rune in text.EnumerateRunes())
        {
            points.Add(rune.Value);
        }

        return [.. points];
    }
}
