namespace RuleEngine.Records;

/// <summary>A source that starts after its first records (read or rejected alike): a run resumed from a checkpoint.</summary>
internal sealed class SkippingRecordSource(RecordSource inner, long skip) : RecordSource(inner.Schema)
{
    internal override RecordCursor Open(RecordLayout layout) => new Cursor(inner.Open(layout), skip);

    internal override RecordCursor Open(RecordLayout layout, bool[] fields, bool deferParsing) => new Cursor(inner.Open(layout, fields, deferParsing), skip);

    private sealed class Cursor(RecordCursor inner, long skip) : RecordCursor
    {
        private long _toSkip = skip;

        public override async ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            while (true)
            {
                ReadOutcome outcome = await inner.ReadAsync(target, cancellationToken).ConfigureAwait(false);
                Rejection = inner.Rejection;
                if (outcome is ReadOutcome.End or ReadOutcome.Boundary || _toSkip == 0)
                {
                    return outcome;
                }

                _toSkip--;
            }
        }

        public override double? Fraction => inner.Fraction;

        public override RecordRejection? Complete(Record record) => inner.Complete(record);

        public override ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
