using System.Text;

namespace RuleEngine.Records;

/// <summary>How a CSV source is read.</summary>
public sealed record CsvSourceOptions
{
    /// <summary>
    /// Gets the file's encoding. <see langword="null"/> (the default) detects it: a byte-order mark wins;
    /// otherwise the start of the file is checked as strict UTF-8 and, failing that, read as GB18030.
    /// </summary>
    public Encoding? Encoding { get; init; }

    /// <summary>Gets the field separator.</summary>
    /// <value>The default is a comma.</value>
    public char Separator { get; init; } = ',';

    /// <summary>Gets the separator between the items of a <see cref="Schema.FieldType.StringArray"/> field.</summary>
    /// <value>The default is a semicolon.</value>
    public char ArraySeparator { get; init; } = ';';

    /// <summary>
    /// Gets the most characters one row may have. CSV has no natural limit (an unclosed quote makes the rest of the
    /// file one field): past this, reading stops with RE5005 rather than hold the rest of the file in memory.
    /// </summary>
    /// <value>The default is 1,048,576 characters.</value>
    public int MaxRecordChars { get; init; } = 1024 * 1024;
}
