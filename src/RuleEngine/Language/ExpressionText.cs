using RuleEngine.Diagnostics;

namespace RuleEngine.Language;

/// <summary>The text of an expression and the map from its characters to their places in the file.</summary>
internal sealed class ExpressionText(string text, SourceMap map)
{
    public ExpressionText(string text, SourceLocation origin)
        : this(text, SourceMap.StartingAt(origin))
    {
    }

    public string Text { get; } = text;

    public string Slice(TextSpan span) => Text.Substring(span.Start, Math.Min(span.Length, Text.Length - span.Start));

    public SourceLocation Locate(TextSpan span) => map.Locate(Text, span.Start, span.Length);
}
