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

    /// <summary>A key part that is NULL where an ID-number field's value fails its check.</summary>
    public static Func<Records.Record[], object?> CheckedIdNumber(Func<Records.Record[], object?> part) =>
        context =>
        {
            object? value = part(context);
            return value is string text && !IdNumber.IsValid(text) ? null : value;
        };

    /// <summary>
    /// A field's value as a key (join, window, subject): NULL for an ID number that fails its check, unless the rule
    /// keeps such numbers; normalised like every key.
    /// </summary>
    public static string? OfField(Schema.FieldDefinition field, object? value, bool keepInvalidIdNumbers) =>
        !keepInvalidIdNumbers && field.Type == Schema.FieldType.IdNumber && value is string text && !IdNumber.IsValid(text) ? null : Normalize(value);

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
