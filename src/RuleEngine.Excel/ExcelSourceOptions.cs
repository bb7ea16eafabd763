namespace RuleEngine.Excel;

/// <summary>How an .xlsx export is read.</summary>
public sealed record ExcelSourceOptions
{
    /// <summary>Gets the sheet to read, by name; <see langword="null"/> for the first.</summary>
    public string? Sheet { get; init; }

    /// <summary>Gets the 1-based row that holds the column names; rows above it (a title, notes) are skipped and counted as header.</summary>
    public int HeaderRow { get; init; } = 1;

    /// <summary>Gets the separator between items of a list field written in one cell.</summary>
    public char ArraySeparator { get; init; } = ';';
}
