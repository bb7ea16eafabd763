using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>Records already held in memory (a reference dataset that is also streamed), replayed in their order.</summary>
internal sealed class MemoryRecordSource(DatasetSchema schema, IReadOnlyList<Record> records) : RecordSource(schema)
{
    internal override RecordCursor Open(RecordLayout layout) => new Cursor(records);

    private sealed class Cursor(IReadOnlyList<Record> records) : RecordCursor
    {
        private int _next;

        public override ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            if (_next >= records.Count)
            {
                return ValueTask.FromResult(ReadOutcome.End);
            }

            records[_next++].CopyTo(target);
            return ValueTask.FromResult(ReadOutcome.Record);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
