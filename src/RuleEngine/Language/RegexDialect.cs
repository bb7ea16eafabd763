using System.Text;

namespace RuleEngine.Language;

/// <summary>The engines a model's regular expressions run on.</summary>
internal enum RegexTarget
{
    /// <summary>.NET's non-backtracking engine (the in-process engine, scripts' text helpers).</summary>
    DotNet,

    /// <summary>RE2, as DuckDB runs it.</summary>
    Re2,

    /// <summary>PostgreSQL's advanced regular expressions.</summary>
    PostgreSql,
}

/// <summary>
/// The one regular-expression dialect of the condition language, and its translation for each engine, so a pattern
/// means the same in-process, on DuckDB and on PostgreSQL:
/// <list type="bullet">
/// <item><c>.</c> and a negated class <c>[^…]</c> match one code point — a character outside the BMP (𠀀, common in
/// names) whole, never half of it — and also a line break;</item>
/// <item><c>^</c> and <c>$</c> match only at the start and the very end of the text (never before a final line break);</item>
/// <item><c>\d</c>, <c>\w</c>, <c>\s</c> are ASCII: <c>[0-9]</c>, <c>[0-9A-Za-z_]</c>, <c>[\t\n\v\f\r ]</c> (and
/// <c>\D \W \S</c> their complements) — a full-width digit is not <c>\d</c>;</item>
/// <item>constructs whose meaning differs between the engines, or that one of them lacks, are refused with a reason:
/// groups other than <c>(?:…)</c> (flags, names, lookarounds), backreferences, <c>\b \B \A \z \Z</c>, <c>\p{…}</c>,
/// <c>\x \u</c> escapes, POSIX classes <c>[[:digit:]]</c>, class subtraction, <c>\D \W \S</c> inside a class, and
/// characters outside the BMP inside a class.</item>
/// </list>
/// </summary>
internal static class RegexDialect
{
    private const string Digit = "0-9";
    private const string Word = "0-9A-Za-z_";
    private const string Space = "\\t\\n\\v\\f\\r ";

    // One code point in .NET, which matches UTF-16 units: a surrogate pair, or a unit that is not a surrogate (a lone
    // surrogate is broken text, which no database stores; matching it alone would let '.' split a pair).
    private const string DotNetAnyCodePoint = "(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^\\uD800-\\uDFFF])";

    /// <summary>Translates a pattern of the dialect for an engine.</summary>
    /// <param name="pattern">The pattern as the model wrote it.</param>
    /// <param name="target">The engine.</param>
    /// <param name="translated">The pattern for <paramref name="target"/>.</param>
    /// <param name="error">Why the pattern is refused, and at which offset.</param>
    /// <returns>Whether the pattern is in the dialect.</returns>
    public static bool TryTranslate(string pattern, RegexTarget target, out string translated, out (string Message, int Offset)? error)
    {
        var output = new StringBuilder(pattern.Length + 16);
        error = null;
        translated = string.Empty;
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            switch (c)
            {
                case '\\':
                    if (!TryEscape(pattern, ref i, target, output, out error))
                    {
                        return false;
                    }

                    continue;
                case '[':
                    if (!TryClass(pattern, ref i, target, output, out error))
                    {
                        return false;
                    }

                    continue;
                case '.':
                    output.Append(target switch
                    {
                        RegexTarget.DotNet => DotNetAnyCodePoint,
                        RegexTarget.Re2 => "(?s:.)",
                        _ => ".",
                    });
                    i++;
                    continue;
                case '$':
                    output.Append(target == RegexTarget.DotNet ? "\\z" : "$");
                    i++;
                    continue;
                case '(' when i + 1 < pattern.Length && pattern[i + 1] == '?':
                    if (i + 2 < pattern.Length && pattern[i + 2] == ':')
                    {
                        output.Append("(?:");
                        i += 3;
                        continue;
                    }

                    error = ("Groups with '(?' other than '(?:…)' (flags, names, lookarounds) mean different things on the engines a model runs on.", i);
                    return false;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < pattern.Length && char.IsLowSurrogate(pattern[i + 1]))
                    {
                        // A quantifier after a character outside the BMP applies to the whole character.
                        output.Append(target == RegexTarget.DotNet ? $"(?:{c}{pattern[i + 1]})" : $"{c}{pattern[i + 1]}");
                        i += 2;
                        continue;
                    }

                    output.Append(c);
                    i++;
                    continue;
            }
        }

        translated = output.ToString();
        return true;
    }

    private static bool TryEscape(string pattern, ref int i, RegexTarget target, StringBuilder output, out (string Message, int Offset)? error)
    {
        error = null;
        if (i + 1 >= pattern.Length)
        {
            error = ("The pattern ends with a lone '\\'.", i);
            return false;
        }

        char e = pattern[i + 1];
        string? shorthand = e switch
        {
            'd' => $"[{Digit}]",
            'w' => $"[{Word}]",
            's' => $"[{Space}]",
            'D' => Negated(Digit, target),
            'W' => Negated(Word, target),
            'S' => Negated(Space, target),
            _ => null,
        };
        if (shorthand is not null)
        {
            output.Append(shorthand);
            i += 2;
            return true;
        }

        if (e is 'n' or 't' or 'r' or 'f' or 'v' || (!char.IsAsciiLetterOrDigit(e) && !char.IsSurrogate(e) && e < 128))
        {
            output.Append('\\').Append(e);
            i += 2;
            return true;
        }

        error = (e switch
        {
            'b' or 'B' => "'\\b' and '\\B' (word boundaries) differ between the engines; match the characters around the word instead.",
            'A' or 'z' or 'Z' => "Write '^' for the start of the text and '$' for its end.",
            'p' or 'P' => "Unicode categories ('\\p{…}') are not available on every engine; write a range such as '[一-龥]'.",
            'x' or 'u' or 'U' => "Write the character itself instead of a '\\x' or '\\u' escape.",
            >= '0' and <= '9' => "Backreferences are not available on the linear-time engines.",
            _ => $"'\\{e}' means different things on the engines a model runs on.",
        }, i);
        return false;
    }

    private static string Negated(string set, RegexTarget target) =>
        target == RegexTarget.DotNet ? $"(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^{set}\\uD800-\\uDFFF])" : $"[^{set}]";

    private static bool TryClass(string pattern, ref int i, RegexTarget target, StringBuilder output, out (string Message, int Offset)? error)
    {
        error = null;
        int start = i;
        int j = i + 1;
        bool negated = j < pattern.Length && pattern[j] == '^';
        if (negated)
        {
            j++;
        }

        var body = new StringBuilder();
        bool first = true;
        while (true)
        {
            if (j >= pattern.Length)
            {
                error = ("A character class '[' is not closed.", start);
                return false;
            }

            char c = pattern[j];
            if (c == ']')
            {
                if (!first)
                {
                    j++;
                    break;
                }

                // A ']' first in the class is a literal one.
                body.Append("\\]");
                first = false;
                j++;
                continue;
            }

            first = false;
            if (c == '[' && j + 1 < pattern.Length && pattern[j + 1] is ':' or '=' or '.')
            {
                error = ("POSIX classes such as '[[:digit:]]' are not available on every engine; write '\\d' or a range.", j);
                return false;
            }

            if (c == '-' && j + 1 < pattern.Length && pattern[j + 1] == '[')
            {
                error = ("Class subtraction ('[a-z-[aeiou]]') is .NET's alone; list the characters instead.", j);
                return false;
            }

            if (c == '[')
            {
                // A literal '[' inside a class: escaped, so every engine reads it the same way.
                body.Append("\\[");
                j++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                error = ("Characters outside the BMP (such as 𠀀) cannot stand in a character class; write them outside, as alternatives: '(?:𠀀|a)'.", j);
                return false;
            }

            if (c == '\\')
            {
                if (j + 1 >= pattern.Length)
                {
                    error = ("The pattern ends with a lone '\\'.", j);
                    return false;
                }

                char e = pattern[j + 1];
                string? set = e switch { 'd' => Digit, 'w' => Word, 's' => Space, _ => null };
                if (set is not null)
                {
                    body.Append(set);
                }
                else if (e is 'D' or 'W' or 'S')
                {
                    error = ($"'\\{e}' inside a character class is not supported; negate the class instead.", j);
                    return false;
                }
                else if (e is 'n' or 't' or 'r' or 'f' or 'v' || (!char.IsAsciiLetterOrDigit(e) && e < 128))
                {
                    body.Append('\\').Append(e);
                }
                else
                {
                    error = ($"'\\{e}' inside a character class means different things on the engines a model runs on.", j);
                    return false;
                }

                j += 2;
                continue;
            }

            body.Append(c);
            j++;
        }

        if (body.Length > 0 && body[^1] == '-' && (body.Length < 2 || body[^2] != '\\'))
        {
            // A '-' last in the class is a literal one; escaped, so that nothing appended after it makes it a range.
            body.Length--;
            body.Append("\\-");
        }

        output.Append(negated ? Negated(body.ToString(), target) : $"[{body}]");
        i = j;
        return true;
    }
}
