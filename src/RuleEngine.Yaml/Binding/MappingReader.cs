using System.Globalization;
using System.Text.RegularExpressions;
using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Reading;
using YamlDotNet.Core;

namespace RuleEngine.Yaml.Binding;

/// <summary>
/// Reads the keys of one YAML mapping with strict types, remembers which keys were read, and reports the rest as
/// unknown (with a did-you-mean hint, or as look-alike letters when a key mixes scripts).
/// </summary>
internal sealed partial class MappingReader
{
    private readonly YamlMapping _mapping;
    private readonly string[] _allowed;
    private readonly DiagnosticList _diagnostics;
    private readonly string _what;

    public MappingReader(YamlMapping mapping, string[] allowed, DiagnosticList diagnostics, string what)
    {
        _mapping = mapping;
        _allowed = allowed;
        _diagnostics = diagnostics;
        _what = what;
    }

    public SourceLocation Location => _mapping.Location;

    public bool Has(string key) => Find(key) is not null;

    public YamlNode? Node(string key) => Find(key)?.Value;

    public SourceLocation LocationOf(string key) => Find(key)?.Value.Location ?? _mapping.Location;

    public SourceLocation KeyLocationOf(string key) => Find(key)?.Key.Location ?? _mapping.Location;

    public string? Text(string key, bool required = false)
    {
        YamlNode? node = Node(key);
        if (node is null)
        {
            if (required)
            {
                Missing(key);
            }

            return null;
        }

        return ScalarValues.Text(node, $"'{key}'", _diagnostics);
    }

    public bool? Bool(string key) => Node(key) is { } node ? ScalarValues.Bool(node, $"'{key}'", _diagnostics) : null;

    /// <summary>A text or list of texts, each with where it is written.</summary>
    public IReadOnlyList<(string Text, SourceLocation Location)> LocatedTextList(string key)
    {
        IReadOnlyList<string> texts = TextList(key);
        IReadOnlyList<YamlNode> nodes = Node(key) switch
        {
            YamlSequence sequence => sequence.Items,
            YamlScalar { IsNull: false } scalar => [scalar],
            _ => [],
        };

        // Items that are not text were reported and left out: locations are paired only when nothing was left out.
        return [.. texts.Select((t, i) => (t, texts.Count == nodes.Count ? nodes[i].Location : SourceLocation.None))];
    }

    public IReadOnlyList<string> TextList(string key)
    {
        switch (Node(key))
        {
            case null:
                return [];
            case YamlScalar { IsNull: true }:
                return [];
            case YamlScalar scalar:
                return [scalar.Value];
            case YamlSequence sequence:
                var items = new List<string>();
                foreach (YamlNode item in sequence.Items)
                {
                    if (ScalarValues.Text(item, $"an item of '{key}'", _diagnostics) is { } text)
                    {
                        items.Add(text);
                    }
                }

                return items;
            case { } other:
                WrongType(other, $"'{key}'", "text or a list of texts");
                return [];
        }
    }

    public YamlMapping? Mapping(string key, bool required = false) => Collection<YamlMapping>(key, required, "a mapping (key: value lines)");

    public YamlSequence? Sequence(string key, bool required = false) => Collection<YamlSequence>(key, required, "a list (lines starting with '- ')");

    private TNode? Collection<TNode>(string key, bool required, string expected)
        where TNode : YamlNode
    {
        YamlNode? node = Node(key);
        switch (node)
        {
            case null when required:
                Missing(key);
                return null;
            case null or YamlScalar { IsNull: true }:
                return null;
            case TNode collection:
                return collection;
            default:
                WrongType(node, $"'{key}'", expected);
                return null;
        }
    }

    public void Missing(string key) =>
        _diagnostics.Error(ModelDiagnosticIds.MissingKey, $"The {_what} has no '{key}'.", _mapping.Location, $"Add '{key}:'.");

    /// <summary>Reports every key that was not among the allowed ones.</summary>
    public void Finish()
    {
        foreach ((YamlScalar key, _) in _mapping.Entries)
        {
            if (_allowed.Contains(key.Value, StringComparer.Ordinal))
            {
                continue;
            }

            if (LookAlike().IsMatch(key.Value))
            {
                _diagnostics.Error(ModelDiagnosticIds.ForbiddenCharacter, $"Key '{key.Value}' mixes Latin with look-alike Cyrillic or Greek letters.", key.Location, "Retype the key in plain ASCII letters.");
                continue;
            }

            string? suggestion = Suggest(key.Value, _allowed);
            _diagnostics.Error(
                ModelDiagnosticIds.UnknownKey,
                $"The {_what} has no key '{key.Value}'.",
                key.Location,
                suggestion is not null ? $"Did you mean '{suggestion}'?" : $"Keys: {string.Join(", ", _allowed)}.");
        }
    }

    public void WrongType(YamlNode node, string what, string expected) =>
        _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"{Capitalize(what)} should be {expected}, not {node.Kind}.", node.Location);

    internal static string? Suggest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance && distance <= Math.Max(2, name.Length / 3))
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    private static int Distance(string a, string b)
    {
        int[] previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int[] current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private (YamlScalar Key, YamlNode Value)? Find(string key)
    {
        foreach ((YamlScalar k, YamlNode v) in _mapping.Entries)
        {
            if (k.Value == key)
            {
                return (k, v);
            }
        }

        return null;
    }

    [GeneratedRegex(@"[\u0370-\u03FF\u0400-\u04FF]", RegexOptions.CultureInvariant)]
    private static partial Regex LookAlike();
}

/// <summary>YAML 1.2 core-schema scalars, strictly: no yes/no/on/off booleans, no octal or exponent integers, ISO dates only.</summary>
internal static partial class ScalarValues
{
    public static string? Text(YamlNode node, string what, DiagnosticList diagnostics)
    {
        if (node is YamlScalar scalar)
        {
            return scalar.IsNull ? null : scalar.Value;
        }

        diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"{what} should be text, not {node.Kind}.", node.Location);
        return null;
    }

    public static bool? Bool(YamlNode node, string what, DiagnosticList diagnostics)
    {
        if (node is YamlScalar { Style: ScalarStyle.Plain, Value: "true" or "True" or "TRUE" })
        {
            return true;
        }

        if (node is YamlScalar { Style: ScalarStyle.Plain, Value: "false" or "False" or "FALSE" })
        {
            return false;
        }

        string found = node is YamlScalar s ? $"'{s.Value}'" : node.Kind;
        diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"{what} should be true or false, not {found}.", node.Location, "Write true or false; yes, no, on, off and ~ are not booleans here.");
        return null;
    }

    /// <summary>Parses a scalar as a value of a field type; reports and returns false when it does not fit.</summary>
    public static bool TryValue(YamlNode node, Schema.FieldType type, string what, DiagnosticList diagnostics, out object? value)
    {
        value = null;
        if (node is YamlScalar { IsNull: true })
        {
            return true;
        }

        if (node is not YamlScalar scalar)
        {
            diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"{what} should be a single value, not {node.Kind}.", node.Location);
            return false;
        }

        string text = scalar.Value.Trim();
        bool plain = scalar.Style == ScalarStyle.Plain;
        switch (type)
        {
            case Schema.FieldType.Int or Schema.FieldType.Long when Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l):
                value = l;
                return true;
            case Schema.FieldType.Decimal when Number().IsMatch(text) && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal d):
                value = d;
                return true;
            case Schema.FieldType.Double when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && double.IsFinite(f):
                value = f;
                return true;
            case Schema.FieldType.Bool:
                bool? flag = plain ? Bool(node, what, diagnostics) : null;
                value = flag;
                if (!plain)
                {
                    diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"{what} should be true or false, not quoted text.", node.Location);
                }

                return flag is not null;
            case Schema.FieldType.Date when IsoDate().IsMatch(text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date):
                value = date;
                return true;
            case Schema.FieldType.DateTime when DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime time):
                value = time;
                return true;
            case Schema.FieldType.String or Schema.FieldType.IdNumber or Schema.FieldType.CreditCode or Schema.FieldType.CaseNo:
                value = scalar.Value;
                return true;
        }

        string expected = type switch
        {
            Schema.FieldType.Int or Schema.FieldType.Long => "a whole number (digits only)",
            Schema.FieldType.Decimal => "a decimal number such as 3000 or 0.154",
            Schema.FieldType.Double => "a number",
            Schema.FieldType.Date => "a date written yyyy-MM-dd",
            Schema.FieldType.DateTime => "a timestamp written yyyy-MM-dd HH:mm:ss",
            _ => type.ToString(),
        };
        diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"{what} should be {expected}, not '{scalar.Value}'.", node.Location);
        return false;
    }

    [GeneratedRegex(@"^[+-]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[+-]?[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();
}
