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
    /// file one field): a quoted field still open past this is taken for a stray quote, and a line longer than this is
    /// skipped; either way that one line is rejected (RE5001, RE5005) and reading resumes on the next line.
    /// </summary>
    /// <value>The default is 1,048,576 characters.</value>
    public int MaxRecordChars { get; init; } = 1024 * 1024;

    /// <summary>
    /// Gets the most physical lines one row may span (through line breaks inside a quoted field). A quote that stays
    /// open longer is taken for a stray quote: the line it opened on is rejected (RE5001, with the line and how many
    /// lines it would have swallowed) and reading resumes on the next line. A quoted field that closes sooner but
    /// makes a row with another number of fields than the header is treated the same way.
    /// </summary>
    /// <value>The default is 1,000 lines.</value>
    public int MaxRecordLines { get; init; } = 1000;
}
