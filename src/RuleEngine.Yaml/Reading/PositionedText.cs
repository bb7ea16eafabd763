using System.Text;
using RuleEngine.Diagnostics;

namespace RuleEngine.Yaml.Reading;

/// <summary>
/// An expression the reader writes from pieces of the file (a deadline's period from its <c>after</c>,
/// <c>within</c> and <c>date</c>), with the position in the file of every character: a problem in a piece is reported
/// where that piece is written, and a character the reader added where the piece it joins is.
/// </summary>
internal sealed class PositionedText
{
    private readonly StringBuilder _text = new();
    private readonly List<(int Line, int Column)> _positions = [];

    /// <summary>Gets the text so far.</summary>
    public string Text => _text.ToString();

    /// <summary>Appends a piece of the file, with the position of each of its characters and of its end.</summary>
    public PositionedText Append(string piece, IReadOnlyList<(int Line, int Column)> positions)
    {
        _text.Append(piece);
        for (int i = 0; i < piece.Length; i++)
        {
            _positions.Add(positions[Math.Min(i, positions.Count - 1)]);
        }

        return this;
    }

    /// <summary>Appends text the reader adds, every character placed at <paramref name="at"/>.</summary>
    public PositionedText Append(string added, (int Line, int Column) at)
    {
        _text.Append(added);
        _positions.AddRange(Enumerable.Repeat(at, added.Length));
        return this;
    }

    /// <summary>The map of the text, its end placed at <paramref name="end"/>.</summary>
    public SourceMap Map(string? path, (int Line, int Column) end) => SourceMap.FromPositions(path, [.. _positions, end]);
}
