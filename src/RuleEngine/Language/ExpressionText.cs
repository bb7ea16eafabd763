using RuleEngine.Diagnostics;

namespace RuleEngine.Language;

/// <summary>
/// The text of an expression and where it stands in its file, so a problem at offset <c>n</c> of the
/// expression is reported at the right line and column of the file.
/// </summary>
internal sealed class ExpressionText
{
    private readonly Func<int, (int Line, int Column)>? _map;

    public ExpressionText(string text, SourceLocation origin, Func<int, (int Line, int Column)>? map = null)
    {
        Text = text;
        Origin = origin;
        _map = map;
    }

    public string Text { get; }

    public SourceLocation Origin { get; }

    public string Slice(TextSpan span) => Text.Substring(span.Start, Math.Min(span.Length, Text.Length - span.Start));

    public SourceLocation Locate(TextSpan span)
    {
        (int line, int column) = Position(span.Start);
        (int endLine, int endColumn) = Position(span.End);
        return new SourceLocation(Origin.Path, line, column, endLine, endColumn);
    }

    private (int Line, int Column) Position(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        if (_map is not null)
        {
            return _map(offset);
        }

        int line = Origin.IsKnown ? Origin.Line : 1;
        int column = Origin.IsKnown ? Origin.Column : 1;
        for (int i = 0; i < offset; i++)
        {
            if (Text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return (line, column);
    }
}
