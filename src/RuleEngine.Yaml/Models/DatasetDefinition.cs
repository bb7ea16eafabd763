using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Yaml;

/// <summary>The file format of a dataset's exports.</summary>
public enum DataFormat
{
    /// <summary>CSV with a header row.</summary>
    Csv,

    /// <summary>JSON Lines: one object per line.</summary>
    JsonLines,

    /// <summary>An Excel workbook (.xlsx): a sheet with a header row.</summary>
    Xlsx,
}

/// <summary>A dataset read from a dataset file: its schema and how its exports are read.</summary>
public sealed record DatasetDefinition
{
    /// <summary>Gets the dataset's schema.</summary>
    public required DatasetSchema Schema { get; init; }

    /// <summary>Gets the format of the dataset's files.</summary>
    public DataFormat Format { get; init; } = DataFormat.Csv;

    /// <summary>Gets the encoding of the dataset's files (CSV and JSON Lines alike): <see langword="null"/> to detect (UTF-8 or GB18030), or a name such as <c>gb18030</c>.</summary>
    public string? Encoding { get; init; }

    /// <summary>Gets the CSV field separator.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>Gets the separator between items of a list field.</summary>
    public char ArraySeparator { get; init; } = ';';

    /// <summary>Gets the sheet an .xlsx workbook is read from; <see langword="null"/> for its first.</summary>
    public string? Sheet { get; init; }

    /// <summary>Gets the 1-based row of an .xlsx sheet that holds the column names.</summary>
    public int HeaderRow { get; init; } = 1;

    /// <summary>Gets a description of the dataset.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the file the dataset was read from.</summary>
    public required string Path { get; init; }

    /// <summary>Gets where the dataset's name is declared.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Gets the name of this dataset's data file in a data folder: the dataset's name with <c>.csv</c>, <c>.jsonl</c> or <c>.xlsx</c> after its format.</summary>
    public string DataFileName => Schema.Name + Format switch { DataFormat.JsonLines => ".jsonl", DataFormat.Xlsx => ".xlsx", _ => ".csv" };

    /// <summary>
    /// Finds this dataset's data file in a folder: <see cref="DataFileName"/>, or else the dataset's name with
    /// <c>.xlsx</c>, <c>.parquet</c>, <c>.arrow</c> or <c>.feather</c> (an export that arrived in another format), in that
    /// order; <see langword="null"/> when there is none.
    /// </summary>
    /// <param name="directory">The data folder.</param>
    /// <returns>The file's path, or <see langword="null"/>.</returns>
    public string? FindDataFile(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        foreach (string name in (string[])[DataFileName, Schema.Name + ".xlsx", Schema.Name + ".parquet", Schema.Name + ".arrow", Schema.Name + ".feather"])
        {
            string path = System.IO.Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>
    /// Opens a data file of this dataset with its format, encoding and separators. A file is read by its extension
    /// whatever the declared format when that says what it is: <c>.xlsx</c> as an Excel workbook (with
    /// <see cref="Sheet"/> and <see cref="HeaderRow"/>), <c>.parquet</c> as Parquet, <c>.arrow</c>, <c>.arrows</c> and
    /// <c>.feather</c> as Arrow IPC (columns matched to fields by name, as <c>RuleEngine.Columnar</c> reads them).
    /// </summary>
    /// <param name="dataPath">The data file.</param>
    /// <returns>The record source.</returns>
    public RecordSource Open(string dataPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataPath);
        string extension = System.IO.Path.GetExtension(dataPath).ToLowerInvariant();
        if (Format == DataFormat.Xlsx || extension == ".xlsx")
        {
            return RuleEngine.Excel.ExcelSource.Open(dataPath, Schema, new RuleEngine.Excel.ExcelSourceOptions { Sheet = Sheet, HeaderRow = HeaderRow, ArraySeparator = ArraySeparator });
        }

        return extension switch
        {
            ".parquet" => RuleEngine.Columnar.ColumnarSource.Parquet(dataPath, Schema),
            ".arrow" or ".arrows" or ".feather" => RuleEngine.Columnar.ColumnarSource.ArrowIpc(dataPath, Schema),
            _ when Format == DataFormat.JsonLines => RecordSource.JsonLines(dataPath, Schema, JsonLinesOptions()),
            _ => RecordSource.Csv(dataPath, Schema, CsvOptions()),
        };
    }

    internal CsvSourceOptions CsvOptions() => new() { Encoding = TextEncoding(), Separator = Separator, ArraySeparator = ArraySeparator };

    internal JsonLinesSourceOptions JsonLinesOptions() => new() { Encoding = TextEncoding(), ArraySeparator = ArraySeparator };

    private Encoding? TextEncoding() => Encoding?.ToLowerInvariant() switch
    {
        null or "auto" => null,
        "utf-8" or "utf8" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        _ => GetCodePage(Encoding),
    };

    private static Encoding GetCodePage(string name)
    {
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return System.Text.Encoding.GetEncoding(name);
    }
}
