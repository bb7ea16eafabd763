using System.Text;

namespace RuleEngine.Execution;

/// <summary>A clue title with <c>{field}</c>, <c>{alias.field}</c> or <c>{computed}</c> placeholders, split once into text and references.</summary>
internal sealed class TitleTemplate
{
    private readonly List<(string Text, (int Source, int Field)? Field)> _parts;

    private TitleTemplate(List<(string Text, (int Source, int Field)? Field)> parts)
    {
        _parts = parts;
        Constant = parts.All(p => p.Field is null) ? string.Concat(parts.Select(p => p.Text)) : null;
    }

    /// <summary>The source of a placeholder that names a computed evidence value; its field is the value's index.</summary>
    public const int ComputedSource = -1;

    /// <summary>Gets the title when it names no field (every clue of the rule has it), else <see langword="null"/>.</summary>
    public string? Constant { get; }

    /// <summary>Gets the record fields the placeholders name (not the computed values).</summary>
    public IEnumerable<(int Source, int Field)> Fields => _parts.Where(p => p.Field is { Source: not ComputedSource }).Select(p => p.Field!.Value);

    /// <summary>Parses a template; <paramref name="unknown"/> receives placeholders that name no field.</summary>
    public static TitleTemplate Parse(string template, Func<string, (int Source, int Field)?> resolve, List<string> unknown)
    {
        var parts = new List<(string, (int, int)?)>();
        int position = 0;
        while (position < template.Length)
        {
            int open = template.IndexOf('{', position);
            int close = open < 0 ? -1 : template.IndexOf('}', open);
            if (open < 0 || close < 0)
            {
                parts.Add((template[position..], null));
                break;
            }

            if (open > position)
            {
                parts.Add((template[position..open], null));
            }

            string name = template[(open + 1)..close].Trim();
            (int, int)? field = resolve(name);
            if (field is null)
            {
                unknown.Add(name);
            }

            parts.Add((name, field));
            position = close + 1;
        }

        return new TitleTemplate(parts);
    }

    public string Render(Func<(int Source, int Field), string> valueOf)
    {
        if (Constant is not null)
        {
            return Constant;
        }

        var builder = new StringBuilder();
        foreach ((string text, (int Source, int Field)? field) in _parts)
        {
            builder.Append(field is { } f ? valueOf(f) : text);
        }

        return builder.ToString();
    }
}
