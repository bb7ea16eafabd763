using System.Text;

namespace RuleEngine.Records;

/// <summary>How JSON Lines are read, and their limits. A line over a limit is rejected and counted; the read goes on at the next line.</summary>
public sealed record JsonLinesSourceOptions
{
    /// <summary>
    /// Gets the file's encoding. <see langword="null"/> (the default) detects it as for CSV: a byte-order mark wins;
    /// otherwise the start of the file is checked as strict UTF-8 and, failing that, read as GB18030. Text in another
    /// encoding than UTF-8 is converted to UTF-8 as it is read.
    /// </summary>
    public Encoding? Encoding { get; init; }

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
