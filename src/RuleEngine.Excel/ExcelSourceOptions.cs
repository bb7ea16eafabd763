namespace RuleEngine.Excel;

/// <summary>How an .xlsx export is read.</summary>
public sealed record ExcelSourceOptions
{
    /// <summary>Gets the sheet to read, by name; <see langword="null"/> for the first.</summary>
    public string? Sheet { get; init; }

    /// <summary>Gets the 1-based row that holds the column names; rows above it (a title, notes) are skipped and counted as header.</summary>
    public int HeaderRow { get; init; } = 1;

    /// <summary>
    /// Gets how many columns, from A, the header row is searched for the fields' names (Excel allows 16,384). The rows
    /// below are read up to the last column that holds a field: a workbook whose recorded size claims every column of the sheet
    /// while it holds a few (a damaged or a hostile file) is read as fast as its real width allows.
    /// </summary>
    public int MaxColumns { get; init; } = 1024;

    /// <summary>Gets the separator between items of a list field written in one cell.</summary>
    public char ArraySeparator { get; init; } = ';';
}
