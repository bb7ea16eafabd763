using System.Globalization;

namespace RuleEngine.Diagnostics;

/// <summary>
/// A span of text in a model file or an expression, with 1-based lines and columns
/// (the convention of editors, compilers and YamlDotNet marks).
/// </summary>
/// <param name="Path">The file the text came from, or <see langword="null"/> for text given in code.</param>
/// <param name="Line">The 1-based line of the first character.</param>
/// <param name="Column">The 1-based column of the first character.</param>
/// <param name="EndLine">The 1-based line of the character after the span.</param>
/// <param name="EndColumn">The 1-based column of the character after the span.</param>
public readonly record struct SourceLocation(string? Path, int Line, int Column, int EndLine, int EndColumn)
{
    /// <summary>Gets a location that points nowhere (no file, line 0).</summary>
    public static SourceLocation None => default;

    /// <summary>Gets a value indicating whether this location names a line.</summary>
    public bool IsKnown => Line > 0;

    /// <summary>Creates a location of a single point.</summary>
    /// <param name="path">The file, or <see langword="null"/>.</param>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based column.</param>
    /// <returns>The location.</returns>
    public static SourceLocation At(string? path, int line, int column) => new(path, line, column, line, column);

    /// <summary>Formats the location as MSBuild does: <c>path(line,col)</c>.</summary>
    /// <returns>The formatted location.</returns>
    public override string ToString()
    {
        string path = Path ?? "<expression>";
        return IsKnown
            ? string.Create(CultureInfo.InvariantCulture, $"{path}({Line},{Column})")
            : path;
    }
}
