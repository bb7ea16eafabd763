namespace RuleEngine.Columnar;

/// <summary>How a columnar file is read.</summary>
public sealed record ColumnarSourceOptions
{
    /// <summary>
    /// Gets the column that holds each record's line in the original input (as <c>RuleEngine.Sql</c>'s loader and an
    /// export from it write it), so clues cite the same lines as a run over the original file. Without it, a record's
    /// line is its row number in the file, counted from 1.
    /// </summary>
    /// <value>The default is <c>_line</c>.</value>
    public string LineColumn { get; init; } = "_line";
}
