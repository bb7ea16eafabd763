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
}
