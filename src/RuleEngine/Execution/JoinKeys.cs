using System.Globalization;
using System.Text;
using RuleEngine.ChineseData;

namespace RuleEngine.Execution;

/// <summary>
/// Turns key values into comparable text: trimmed, full-width folded, upper-cased, and a 15-digit ID number
/// upgraded to its 18-digit form, so the same person or company matches across systems. NULL never matches.
/// </summary>
internal static class JoinKeys
{
    private const char Separator = '\u001F';

    public static string? Of(Func<Records.Record[], object?>[] parts, Records.Record[] context)
    {
        if (parts.Length == 1)
        {
            return Normalize(parts[0](context));
        }

        var builder = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
        {
            string? part = Normalize(parts[i](context));
            if (part is null)
            {
                return null;
            }

            if (i > 0)
            {
                builder.Append(Separator);
            }

            builder.Append(part);
        }

        return builder.ToString();
    }

    public static string? Normalize(object? value) => value switch
    {
        null => null,
        string text => NormalizeText(text),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string? NormalizeText(string text)
    {
        string trimmed = IdNumber.FoldWidth(text.Trim()).ToUpperInvariant();
        if (trimmed.Length == 0)
        {
            return null;
        }

        bool idLike = trimmed.Length is 15 or 18 && !trimmed.AsSpan(0, 17 - (18 - trimmed.Length)).ContainsAnyExceptInRange('0', '9');
        return idLike ? IdNumber.Normalize(trimmed) : trimmed;
    }
}
