namespace RuleEngine.Records;

/// <summary>Limits for reading JSON Lines. A line over a limit is rejected and counted; the read goes on at the next line.</summary>
public sealed record JsonLinesSourceOptions
{
    /// <summary>Gets the longest line, in bytes, that is read as a record.</summary>
    /// <value>The default is 1 MiB.</value>
    public int MaxRecordBytes { get; init; } = 1024 * 1024;

    /// <summary>Gets the deepest nesting of objects and arrays in a record.</summary>
    /// <value>The default is 64.</value>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Gets the separator used when a text field receives an array (items are joined with it).</summary>
    /// <value>The default is a semicolon.</value>
    public char ArraySeparator { get; init; } = ';';
}
