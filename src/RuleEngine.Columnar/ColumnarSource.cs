using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Columnar;

/// <summary>
/// Record sources over columnar files: Parquet and Arrow IPC. Columns are matched to the schema's fields by name
/// (the field's source name first); values go straight into the typed slots a row group or record batch at a time,
/// with the engine's conversions (ID numbers, credit codes and case numbers normalised; integers range-checked; text
/// columns of dates or numbers parsed as CSV cells are). Memory is bounded by one row group or batch.
/// </summary>
/// <example>
/// <code>
/// RunSummary summary = await rules.RunAsync(ColumnarSource.Parquet("dui_cases.parquet", schema), sink);
/// </code>
/// </example>
public static class ColumnarSource
{
    /// <summary>Reads a Parquet file.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="schema">The dataset's schema.</param>
    /// <param name="options">The line column; <see langword="null"/> for the defaults.</param>
    /// <returns>The source; the file is opened when a run reads it.</returns>
    /// <remarks>List columns (a schema's <c>string[]</c> fields) are not read from Parquet yet; use Arrow IPC, CSV or JSON Lines for them.</remarks>
    public static RecordSource Parquet(string path, DatasetSchema schema, ColumnarSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parquet(() => File.OpenRead(path), schema, options, Math.Clamp(Environment.ProcessorCount, 1, 4));
    }

    /// <summary>Reads a Parquet file from a stream, which must be seekable; the source owns it and disposes it after the run.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="schema">The dataset's schema.</param>
    /// <param name="options">The line column; <see langword="null"/> for the defaults.</param>
    /// <returns>The source, readable once.</returns>
    public static RecordSource Parquet(Stream stream, DatasetSchema schema, ColumnarSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Parquet(() => stream, schema, options, decoders: 1);
    }

    /// <summary>Reads an Arrow IPC file (the random-access format) or stream (the streaming format), told apart by the file's magic bytes.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="schema">The dataset's schema.</param>
    /// <param name="options">The line column; <see langword="null"/> for the defaults.</param>
    /// <returns>The source; the file is opened when a run reads it.</returns>
    public static RecordSource ArrowIpc(string path, DatasetSchema schema, ColumnarSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ArrowIpc(() => File.OpenRead(path), schema, options);
    }

    /// <summary>Reads Arrow IPC from a stream: the file format when the stream is seekable and starts with its magic bytes, else the streaming format. The source owns the stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="schema">The dataset's schema.</param>
    /// <param name="options">The line column; <see langword="null"/> for the defaults.</param>
    /// <returns>The source, readable once.</returns>
    public static RecordSource ArrowIpc(Stream stream, DatasetSchema schema, ColumnarSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ArrowIpc(() => stream, schema, options);
    }

    private static ColumnarRecordSource Parquet(Func<Stream> open, DatasetSchema schema, ColumnarSourceOptions? options, int decoders)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ColumnarSourceOptions settings = options ?? new ColumnarSourceOptions();
        return new ColumnarRecordSource(schema, (fields, cancellationToken) => ParquetBatches.ReadAsync(schema, open, settings, decoders, fields, cancellationToken));
    }

    private static ColumnarRecordSource ArrowIpc(Func<Stream> open, DatasetSchema schema, ColumnarSourceOptions? options)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ColumnarSourceOptions settings = options ?? new ColumnarSourceOptions();
        return new ColumnarRecordSource(schema, (fields, cancellationToken) => ArrowBatches.ReadAsync(schema, open, settings, fields, cancellationToken));
    }
}
