using YamlDotNet.Core;

namespace RuleEngine.Yaml.Reading;

/// <summary>
/// Finds where each character of a scalar's value stands in the file: past quotes and block indicators, through
/// escapes (<c>\n</c>, <c>\u4E2D</c>, <c>''</c>), indentation and folded line breaks. Diagnostics inside a condition
/// written in any scalar style then point at the right line and column.
/// </summary>
internal static class ScalarPositions
{
    public static (int Line, int Column)[] Map(string text, LineIndex lines, YamlScalar scalar)
    {
        string value = scalar.Value;
        var positions = new (int Line, int Column)[value.Length + 1];
        int raw = scalar.StartIndex;
        int end = Math.Min(scalar.EndIndex, text.Length);
        switch (scalar.Style)
        {
            case ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted:
                raw++;
                end = Math.Max(raw, end - 1);
                break;
            case ScalarStyle.Literal or ScalarStyle.Folded:
                int header = text.IndexOf('\n', raw);
                raw = header < 0 ? end : header + 1;
                break;
        }

        int v = 0;
        while (v < value.Length && raw < end)
        {
            char c = text[raw];
            if (scalar.Style == ScalarStyle.DoubleQuoted && c == '\\' && raw + 1 < end)
            {
                (int consumed, int produced) = Escape(text, raw, end);
                for (int k = 0; k < produced && v < value.Length; k++)
                {
                    positions[v++] = lines.Position(raw);
                }

                raw += consumed;
                continue;
            }

            if (c == value[v] || (c is '\n' or '\r' && value[v] is ' ' or '\n'))
            {
                positions[v++] = lines.Position(raw);
            }

            raw++;
        }

        (int Line, int Column) last = lines.Position(Math.Min(raw, text.Length));
        for (; v <= value.Length; v++)
        {
            positions[v] = last;
        }

        return positions;
    }

    /// <summary>The raw characters an escape takes and the value characters it makes.</summary>
    private static (int Consumed, int Produced) Escape(string text, int at, int end)
    {
        char kind = text[at + 1];
        switch (kind)
        {
            case 'x':
                return (Math.Min(4, end - at), 1);
            case 'u':
                return (Math.Min(6, end - at), 1);
            case 'U':
                int consumed = Math.Min(10, end - at);
                bool astral = consumed == 10 && int.TryParse(text.AsSpan(at + 2, 8), System.Globalization.NumberStyles.HexNumber, null, out int point) && point > 0xFFFF;
                return (consumed, astral ? 2 : 1);
            case '\r' or '\n':
                int next = at + 1;
                while (next < end && char.IsWhiteSpace(text[next]))
                {
                    next++;
                }

                return (next - at, 0);
            default:
                return (2, 1);
        }
    }
}
