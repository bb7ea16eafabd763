using System.Data;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>
/// A stream of records of one dataset: a CSV or JSON Lines file, host objects, or an <see cref="IDataReader"/>.
/// Every source streams with constant memory and reads each record into typed slots.
/// A source can be read once per run; file sources can be read again.
/// </summary>
public abstract class RecordSource
{
    private protected RecordSource(DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
    }

    /// <summary>Gets the schema of the records.</summary>
    public DatasetSchema Schema { get; }

    /// <summary>Gets the dataset's name.</summary>
    public string Dataset => Schema.Name;

    /// <summary>
    /// Gets how many bytes the source holds, when that is known before reading (a file, a seekable stream): what an
    /// overall progress weighs the source by. <see langword="null"/> otherwise.
    /// </summary>
    internal long? Length { get; init; }

    /// <summary>The length of a file, or <see langword="null"/> when it cannot be read (the run will say why).</summary>
    internal static long? LengthOf(string path)
    {
        try
        {
            return new FileInfo(path) is { Exists: true } file ? file.Length : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>What is left of a seekable stream, or <see langword="null"/>.</summary>
    internal static long? LengthOf(Stream stream) => stream.CanSeek ? stream.Length - stream.Position : null;

    /// <summary>Reads a CSV file (RFC 4180) whose header names the schema's fields (or their <see cref="FieldDefinition.Source"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="schema">The dataset's schema.</param>
    /// <param name="options">Encoding, separators; <see langword="null"/> for the defaults.</param>
    /// <returns>The source.</returns>
    public static RecordSource Csv(string path, DatasetSchema schema, CsvSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new CsvRecordSource(schema, () => File.OpenRead(path), ownsStream: true, options ?? new CsvSourceOptions()) { Length = LengthOf(path) };
    }

    /// <summary>Reads CSV from a stream, which the caller keeps and disposes.</summary>
    /// <param name="stream">The stream, positioned at the header.</param>
    /// <param name="schema">The dataset's schema.</param>
    /// <param name="options">Encoding, separators; <see langword="null"/> for the defaults.</param>
    /// <returns>The source.</returns>
    public static RecordSource Csv(Stream stream, DatasetSchema schema, CsvSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new CsvRecordSource(schema, () => stream, ownsStream: false, options ?? new CsvSourceOptions()) { Length = LengthOf(stream) };
    }

    /// <summary>
    /// Reads a JSON Lines file: one JSON object per line; fields are found by their dotted path
    /// (<c>meta.term_of_imprisonment.imprisonment</c>), arrays fill <see cref="FieldType.StringArray"/> fields.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="schema">The dataset's schema.</param>
    /// <param name="options">Limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The source.</returns>
    public static RecordSource JsonLines(string path, DatasetSchema schema, JsonLinesSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new JsonLinesRecordSource(schema, () => File.OpenRead(path), ownsStream: true, options ?? new JsonLinesSourceOptions()) { Length = LengthOf(path) };
    }

    /// <summary>Reads JSON Lines from a stream, which the caller keeps and disposes.</summary>
    /// <param name="stream">The UTF-8 stream.</param>
    /// <param name="schema">The dataset's schema.</param>
    /// <param name="options">Limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The source.</returns>
    public static RecordSource JsonLines(Stream stream, DatasetSchema schema, JsonLinesSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new JsonLinesRecordSource(schema, () => stream, ownsStream: false, options ?? new JsonLinesSourceOptions()) { Length = LengthOf(stream) };
    }

    /// <summary>
    /// Reads host objects. The schema is derived from <typeparamref name="T"/> (see <see cref="DatasetSchema.FromType{T}(string)"/>)
    /// and the properties are read through compiled accessors, not reflection per record.
    /// </summary>
    /// <typeparam name="T">The host's record type.</typeparam>
    /// <param name="dataset">The dataset's name.</param>
    /// <param name="items">The objects; enumerated once per run.</param>
    /// <returns>The source.</returns>
    public static RecordSource FromObjects<T>(string dataset, IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new ObjectRecordSource<T>(ClrSchema.Derive(typeof(T), dataset), items, null);
    }

    /// <summary>Reads an asynchronous stream of host objects; see <see cref="FromObjects{T}(string, IEnumerable{T})"/>.</summary>
    /// <typeparam name="T">The host's record type.</typeparam>
    /// <param name="dataset">The dataset's name.</param>
    /// <param name="items">The objects; enumerated once per run.</param>
    /// <returns>The source.</returns>
    public static RecordSource FromObjects<T>(string dataset, IAsyncEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new ObjectRecordSource<T>(ClrSchema.Derive(typeof(T), dataset), null, items);
    }

    /// <summary>
    /// Reads the rows of a data reader (a database query). Columns are matched to fields by name
    /// (or <see cref="FieldDefinition.Source"/>); the reader is read once and not disposed.
    /// </summary>
    /// <param name="reader">The reader, positioned before the first row.</param>
    /// <param name="schema">The dataset's schema.</param>
    /// <returns>The source.</returns>
    public static RecordSource FromDataReader(IDataReader reader, DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new DataReaderRecordSource(schema, reader);
    }

    /// <summary>
    /// Reads binary record batches (<see cref="RecordBatch.Payload"/>) back into records: each record keeps the line it
    /// had in its original source, and each rejection travels as a rejection, so a run over batches reports the same
    /// lines and counts as a run over the original file. Each batch is handed on as soon as it is read.
    /// </summary>
    /// <param name="schema">The schema the batches were written with (checked against each batch's header).</param>
    /// <param name="batches">The payloads, in order; enumerated once per run.</param>
    /// <returns>The source.</returns>
    public static RecordSource FromBatches(DatasetSchema schema, IAsyncEnumerable<ReadOnlyMemory<byte>> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return new BatchRecordSource(schema, batches);
    }

    /// <summary>
    /// Reads this source into compact binary batches (see <see cref="RecordBatch"/>) for a broker or a file: records
    /// stream through a buffer per partition, so memory is bounded by <see cref="RecordBatchOptions.Partitions"/> ×
    /// <see cref="RecordBatchOptions.RecordsPerBatch"/> records whatever the input's size. A record the reader rejects
    /// is carried as a rejection (line, code, field, message), never dropped.
    /// </summary>
    /// <param name="options">Batch size and partitioning; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The batches; within a partition, in input order.</returns>
    /// <exception cref="ArgumentException"><see cref="RecordBatchOptions.PartitionBy"/> names no field of the schema.</exception>
    public IAsyncEnumerable<RecordBatch> ReadBatchesAsync(RecordBatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RecordBatchOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RecordsPerBatch, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Partitions, 1, nameof(options));
        int keyField = -1;
        if (options.PartitionBy is { } partitionBy)
        {
            keyField = Schema.IndexOf(partitionBy);
            if (keyField < 0)
            {
                throw new ArgumentException($"Dataset '{Dataset}' has no field '{partitionBy}' to partition by.", nameof(options));
            }
        }

        return RecordBatchReader.ReadAsync(this, options, keyField, cancellationToken);
    }

    internal abstract RecordCursor Open(RecordLayout layout);

    /// <summary>
    /// Opens a read that parses only the fields marked in <paramref name="fields"/> — the fields a run reads — and
    /// leaves the others NULL; a value in an unread field is neither parsed nor checked. With
    /// <paramref name="deferParsing"/>, a text source may only split each record into its fields and leave the parsing
    /// to <see cref="RecordCursor.Complete"/>, which a run's workers call in parallel. A source that cannot skip fields
    /// parses them all, at once.
    /// </summary>
    internal virtual RecordCursor Open(RecordLayout layout, bool[] fields, bool deferParsing) => Open(layout);
}
