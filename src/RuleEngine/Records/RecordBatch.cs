using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>
/// A batch of a dataset's records in RuleEngine's compact binary format: typed values (numbers as variable-length
/// integers, text as UTF-8), each record with its line in the original source, and each record the reader
/// rejected kept as a rejection with its line and code, so a record that could not be read still arrives where the
/// batch is evaluated. Made by <see cref="RecordSource.ReadBatchesAsync(RecordBatchOptions?, CancellationToken)"/>
/// and read back by <see cref="RecordSource.FromBatches(DatasetSchema, IAsyncEnumerable{ReadOnlyMemory{byte}})"/>.
/// </summary>
public sealed class RecordBatch
{
    internal RecordBatch(string dataset, int partition, int count, long firstLine, long lastLine, ReadOnlyMemory<byte> payload)
    {
        Dataset = dataset;
        Partition = partition;
        Count = count;
        FirstLine = firstLine;
        LastLine = lastLine;
        Payload = payload;
    }

    /// <summary>Gets the dataset's name.</summary>
    public string Dataset { get; }

    /// <summary>Gets the partition the batch's records hash to (0 when the batches are not partitioned).</summary>
    public int Partition { get; }

    /// <summary>Gets how many entries the batch holds: records and rejections.</summary>
    public int Count { get; }

    /// <summary>Gets the source line of the first entry.</summary>
    public long FirstLine { get; }

    /// <summary>Gets the source line of the last entry.</summary>
    public long LastLine { get; }

    /// <summary>Gets the encoded batch; the bytes belong to this batch and are not reused.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>
    /// Gets how many entries (records and rejections) a source made by
    /// <see cref="RecordSource.FromBatches(DatasetSchema, IAsyncEnumerable{ReadOnlyMemory{byte}})"/> yields for a payload:
    /// the count in its header, or 1 for a payload that cannot be decoded (it yields one RE5016 rejection).
    /// </summary>
    /// <param name="payload">An encoded batch.</param>
    /// <param name="schema">The schema the batch is read with.</param>
    /// <returns>The number of entries.</returns>
    public static int EntryCount(ReadOnlySpan<byte> payload, DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return RecordBatchCodec.Validate(payload, new RecordLayout(schema)) is { } count ? count : 1;
    }
}

/// <summary>How <see cref="RecordSource.ReadBatchesAsync(RecordBatchOptions?, CancellationToken)"/> cuts a source into batches.</summary>
public sealed record RecordBatchOptions
{
    /// <summary>Gets the most entries (records and rejections) a batch holds.</summary>
    /// <value>The default is 500: hundreds of records per message keep a broker's per-message cost small.</value>
    public int RecordsPerBatch { get; init; } = 500;

    /// <summary>Gets how many partitions the records are spread over.</summary>
    /// <value>The default is 1.</value>
    public int Partitions { get; init; } = 1;

    /// <summary>
    /// Gets the field whose value picks a record's partition (FNV-1a of its invariant text, modulo
    /// <see cref="Partitions"/>), so every record of one key lands in one partition, in input order; a NULL key
    /// goes to partition 0. <see langword="null"/> spreads records round-robin by batch.
    /// </summary>
    public string? PartitionBy { get; init; }
}
