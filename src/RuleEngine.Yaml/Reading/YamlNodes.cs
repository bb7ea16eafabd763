using RuleEngine.Diagnostics;
using YamlDotNet.Core;

namespace RuleEngine.Yaml.Reading;

/// <summary>A node of a model file, with the positions diagnostics need. Built only by <see cref="SafeYamlReader"/>.</summary>
internal abstract class YamlNode(SourceLocation location)
{
    public SourceLocation Location { get; } = location;

    public abstract string Kind { get; }
}

internal sealed class YamlScalar(SourceLocation location, string value, ScalarStyle style, int startIndex, int endIndex) : YamlNode(location)
{
    public string Value { get; } = value;

    public ScalarStyle Style { get; } = style;

    /// <summary>Gets the index of the scalar's first character in the file's text (its quote or block indicator included).</summary>
    public int StartIndex { get; } = startIndex;

    public int EndIndex { get; } = endIndex;

    /// <summary>Gets a value indicating whether the scalar is a plain <c>null</c>, <c>~</c> or empty.</summary>
    public bool IsNull => Style == ScalarStyle.Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Kind => "a text value";
}

internal sealed class YamlSequence(SourceLocation location, List<YamlNode> items) : YamlNode(location)
{
    public List<YamlNode> Items { get; } = items;

    public override string Kind => "a list";
}

internal sealed class YamlMapping(SourceLocation location, List<(YamlScalar Key, YamlNode Value)> entries) : YamlNode(location)
{
    public List<(YamlScalar Key, YamlNode Value)> Entries { get; } = entries;

    public override string Kind => "a mapping";
}
