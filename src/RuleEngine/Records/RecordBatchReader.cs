using System.Globalization;
using System.Runtime.CompilerServices;

namespace RuleEngine.Records;

/// <summary>Cuts a source into binary batches, one open batch per partition.</summary>
internal static class RecordBatchReader
{
    public static async IAsyncEnumerable<RecordBatch> ReadAsync(RecordSource source, RecordBatchOptions options, int keyField, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var layout = new RecordLayout(source.Schema);
        uint schemaHash = RecordBatchCodec.SchemaHash(source.Schema);
        var writers = new RecordBatchCodec.Writer[options.Partitions];
        for (int i = 0; i < writers.Length; i++)
        {
            writers[i] = new RecordBatchCodec.Writer(layout, schemaHash);
        }

        Record record = layout.CreateRecord();
        int roundRobin = 0;
        RecordCursor cursor = source.Open(layout);
        await using (cursor.ConfigureAwait(false))
        {
            while (true)
            {
                ReadOutcome outcome = await cursor.ReadAsync(record, cancellationToken).ConfigureAwait(false);
                if (outcome == ReadOutcome.End)
                {
                    break;
                }

                if (outcome == ReadOutcome.Boundary)
                {
                    continue;
                }

                int partition;
                if (outcome == ReadOutcome.Rejected)
                {
                    // A rejected record has no key to hash: it travels in the current round-robin partition (0 when keyed).
                    partition = keyField < 0 ? roundRobin : 0;
                    writers[partition].Add(cursor.Rejection!);
                }
                else
                {
                    partition = keyField < 0 ? roundRobin : PartitionOf(record, keyField, options.Partitions);
                    writers[partition].Add(record);
                }

                RecordBatchCodec.Writer writer = writers[partition];
                if (writer.Count >= options.RecordsPerBatch)
                {
                    yield return Finish(source.Dataset, partition, writer);
                    if (keyField < 0)
                    {
                        roundRobin = (roundRobin + 1) % writers.Length;
                    }
                }
            }
        }

        for (int partition = 0; partition < writers.Length; partition++)
        {
            if (writers[partition].Count > 0)
            {
                yield return Finish(source.Dataset, partition, writers[partition]);
            }
        }
    }

    /// <summary>The partition of a record's key: FNV-1a of its invariant text, modulo the partition count; NULL is partition 0.</summary>
    internal static int PartitionOf(Record record, int keyField, int partitions)
    {
        if (record.Nulls[keyField])
        {
            return 0;
        }

        object value = record.GetValue(keyField)!;
        string text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        return (int)(Fnv1a.Add(Fnv1a.Offset, text) % (uint)partitions);
    }

    private static RecordBatch Finish(string dataset, int partition, RecordBatchCodec.Writer writer)
    {
        int count = writer.Count;
        long first = writer.FirstLine;
        long last = writer.LastLine;
        return new RecordBatch(dataset, partition, count, first, last, writer.ToArray());
    }
}
