using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>
/// Records decoded from binary batches (<see cref="RecordBatch"/>), in order. After each batch the cursor reports a
/// boundary, so a run hands a batch's records on as soon as the batch is read instead of waiting for more input; a
/// batch that cannot be decoded (truncated, another schema, not a batch) is one RE5016 rejection, never a crash.
/// </summary>
internal sealed class BatchRecordSource(DatasetSchema schema, IAsyncEnumerable<ReadOnlyMemory<byte>> batches) : RecordSource(schema)
{
    internal override RecordCursor Open(RecordLayout layout) => new Cursor(batches, layout);

    private sealed class Cursor(IAsyncEnumerable<ReadOnlyMemory<byte>> batches, RecordLayout layout) : RecordCursor
    {
        private IAsyncEnumerator<ReadOnlyMemory<byte>>? _batches;
        private RecordBatchCodec.Reader _reader;
        private bool _boundaryDue;
        private long _batchNumber;

        public override async ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            string dataset = layout.Schema.Name;
            while (true)
            {
                if (_reader.Remaining > 0)
                {
                    if (_reader.Next(target, dataset) is { } rejection)
                    {
                        Rejection = rejection;
                        return ReadOutcome.Rejected;
                    }

                    return ReadOutcome.Record;
                }

                if (_boundaryDue)
                {
                    _boundaryDue = false;
                    return ReadOutcome.Boundary;
                }

                _batches ??= batches.GetAsyncEnumerator(cancellationToken);
                if (!await _batches.MoveNextAsync().ConfigureAwait(false))
                {
                    return ReadOutcome.End;
                }

                _batchNumber++;
                ReadOnlyMemory<byte> batch = _batches.Current;
                _boundaryDue = true;
                if (RecordBatchCodec.Validate(batch.Span, layout) is null)
                {
                    return Reject(dataset, 0, (DiagnosticIds.MalformedBatch, $"Record batch {_batchNumber} of dataset '{dataset}' cannot be decoded ({batch.Length} bytes): truncated, written for another schema, or not a record batch."));
                }

                _reader = new RecordBatchCodec.Reader(batch, layout);
            }
        }

        public override ValueTask DisposeAsync() => _batches?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
