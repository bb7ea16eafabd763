namespace RuleEngine.Diagnostics;

/// <summary>
/// Where each character of a piece of text (a rule's condition) stands in its file, so a problem at offset
/// <c>n</c> of the text is reported at the right line and column of the file — also when the text came from a
/// quoted, folded or literal YAML scalar, or from several scalars joined together.
/// </summary>
public sealed class SourceMap
{
    private readonly SourceLocation _start;
    private readonly (int Line, int Column)[]? _positions;

    private SourceMap(SourceLocation start, (int Line, int Column)[]? positions)
    {
        _start = start;
        _positions = positions;
    }

    /// <summary>Gets the file the text came from, or <see langword="null"/>.</summary>
    public string? Path => _start.Path;

    /// <summary>Maps text laid out as it is, starting at <paramref name="start"/>; a line break starts the next line at column 1.</summary>
    /// <param name="start">The position of the text's first character.</param>
    /// <returns>The map.</returns>
    public static SourceMap StartingAt(SourceLocation start) => new(start, null);

    /// <summary>Maps each character of the text to its own position.</summary>
    /// <param name="path">The file.</param>
    /// <param name="positions">One 1-based (line, column) per character of the text, and one more for its end.</param>
    /// <returns>The map.</returns>
    public static SourceMap FromPositions(string? path, IReadOnlyList<(int Line, int Column)> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count == 0)
        {
            throw new ArgumentException("A map needs at least the position of the text's end.", nameof(positions));
        }

        (int, int)[] copy = [.. positions];
        return new SourceMap(SourceLocation.At(path, copy[0].Item1, copy[0].Item2), copy);
    }

    /// <summary>Gets the location of a span of the text.</summary>
    /// <param name="text">The text the map describes.</param>
    /// <param name="start">The span's first character.</param>
    /// <param name="length">The span's length.</param>
    /// <returns>The location in the file.</returns>
    public SourceLocation Locate(string text, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        (int line, int column) = Position(text, start);
        (int endLine, int endColumn) = Position(text, start + length);
        return new SourceLocation(_start.Path, line, column, endLine, endColumn);
    }

    /// <summary>The position of every character of <paramref name="text"/> and of its end, in one pass.</summary>
    internal (int Line, int Column)[] PositionsOf(string text)
    {
        var positions = new (int Line, int Column)[text.Length + 1];
        if (_positions is not null)
        {
            for (int i = 0; i < positions.Length; i++)
            {
                positions[i] = _positions[Math.Min(i, _positions.Length - 1)];
            }

            return positions;
        }

        int line = _start.IsKnown ? _start.Line : 1;
        int column = _start.IsKnown ? _start.Column : 1;
        for (int i = 0; i < text.Length; i++)
        {
            positions[i] = (line, column);
            (line, column) = text[i] == '\n' ? (line + 1, 1) : (line, column + 1);
        }

        positions[text.Length] = (line, column);
        return positions;
    }

    private (int Line, int Column) Position(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        if (_positions is not null)
        {
            return _positions[Math.Min(offset, _positions.Length - 1)];
        }

        int line = _start.IsKnown ? _start.Line : 1;
        int column = _start.IsKnown ? _start.Column : 1;
        for (int i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
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
