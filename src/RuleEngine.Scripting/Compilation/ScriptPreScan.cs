using System.Globalization;

namespace RuleEngine.Scripting.Compilation;

/// <summary>
/// Checks the raw text of a script before the C# compiler sees it: its length, how deep its brackets nest (the
/// compiler's recursive descent overflows the stack on thousands of nested parentheses, which kills the process),
/// and characters that hide or reorder code (bidirectional controls, zero-width characters).
/// </summary>
internal static class ScriptPreScan
{
    public static IEnumerable<(string Code, string Message, int Start, int Length, string? Hint)> Check(string code, ScriptLimits limits)
    {
        if (code.Length > limits.MaxSourceLength)
        {
            yield return (ScriptDiagnosticIds.ScriptTooLarge, $"The script is {code.Length} characters long; the limit is {limits.MaxSourceLength}.", 0, 0, "Move shared logic into the condition or split the rule.");
            yield break;
        }

        for (int i = 0; i < code.Length; i++)
        {
            char c = code[i];
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            if ((category is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                    or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse)
                && c is not ('\t' or '\r' or '\n'))
            {
                if (char.IsHighSurrogate(c) && i + 1 < code.Length && char.IsLowSurrogate(code[i + 1]))
                {
                    i++;
                    continue;
                }

                yield return (ScriptDiagnosticIds.ForbiddenCharacter, $"The script contains the invisible character U+{(int)c:X4}, which can hide or reorder code.", i, 1, "Remove it; write it as an escape (\\u....) inside a string if a string needs it.");
                yield break;
            }
        }

        int depth = 0;
        int i2 = 0;
        while (i2 < code.Length)
        {
            char c = code[i2];
            if (c == '/' && i2 + 1 < code.Length && code[i2 + 1] == '/')
            {
                i2 = SkipTo(code, i2, "\n");
                continue;
            }

            if (c == '/' && i2 + 1 < code.Length && code[i2 + 1] == '*')
            {
                i2 = SkipTo(code, i2 + 2, "*/");
                continue;
            }

            if (c is '"' or '\'')
            {
                i2 = SkipQuoted(code, i2);
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                if (++depth > limits.MaxNesting)
                {
                    yield return (ScriptDiagnosticIds.ScriptTooLarge, $"The script nests brackets deeper than {limits.MaxNesting} levels.", i2, 1, "Split the expression with local variables.");
                    yield break;
                }
            }
            else if (c is ')' or ']' or '}')
            {
                depth = Math.Max(0, depth - 1);
            }

            i2++;
        }
    }

    private static int SkipTo(string code, int from, string end)
    {
        int at = code.IndexOf(end, from, StringComparison.Ordinal);
        return at < 0 ? code.Length : at + end.Length;
    }

    /// <summary>Skips a quoted literal; verbatim and raw strings are skipped leniently (an over-count only makes the check stricter).</summary>
    private static int SkipQuoted(string code, int start)
    {
        char quote = code[start];
        bool verbatim = start > 0 && code[start - 1] == '@';
        for (int i = start + 1; i < code.Length; i++)
        {
            if (code[i] == '\\' && !verbatim)
            {
                i++;
            }
            else if (code[i] == quote)
            {
                return i + 1;
            }
            else if (code[i] == '\n' && !verbatim)
            {
                return i;
            }
        }

        return code.Length;
    }
}
