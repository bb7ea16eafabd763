using System.Text;

namespace RuleEngine.Execution;

/// <summary>A clue title with <c>{field}</c> placeholders, split once into literal text and field references.</summary>
internal sealed class TitleTemplate
{
    private readonly List<(string Text, int Field)> _parts;

    private TitleTemplate(List<(string Text, int Field)> parts)
    {
        _parts = parts;
    }

    /// <summary>Parses a template; <paramref name="unknown"/> receives placeholders that name no field.</summary>
    public static TitleTemplate Parse(string template, Func<string, int> fieldIndex, List<string> unknown)
    {
        var parts = new List<(string, int)>();
        int position = 0;
        while (position < template.Length)
        {
            int open = template.IndexOf('{', position);
            int close = open < 0 ? -1 : template.IndexOf('}', open);
            if (open < 0 || close < 0)
            {
                parts.Add((template[position..], -1));
                break;
            }

            if (open > position)
            {
                parts.Add((template[position..open], -1));
            }

            string name = template[(open + 1)..close].Trim();
            int index = fieldIndex(name);
            if (index < 0)
            {
                unknown.Add(name);
            }

            parts.Add((name, index));
            position = close + 1;
        }

        return new TitleTemplate(parts);
    }

    public string Render(Func<int, string> valueOf)
    {
        var builder = new StringBuilder();
        foreach ((string text, int field) in _parts)
        {
            builder.Append(field < 0 ? text : valueOf(field));
        }

        return builder.ToString();
    }
}
