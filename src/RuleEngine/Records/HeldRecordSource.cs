using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>Records held in blocks (a derived dataset), replayed in the order they were added.</summary>
internal sealed class HeldRecordSource(DatasetSchema schema, HeldRecords records) : RecordSource(schema)
{
    internal override RecordCursor Open(RecordLayout layout) => new Cursor(records);

    private sealed class Cursor(HeldRecords records) : RecordCursor
    {
        private int _next;

        public override double? Fraction => records.Count == 0 ? 1 : (double)_next / records.Count;

        public override ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            if (_next >= records.Count)
            {
                return ValueTask.FromResult(ReadOutcome.End);
            }

            records.CopyTo(_next++, target);
            return ValueTask.FromResult(ReadOutcome.Record);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
