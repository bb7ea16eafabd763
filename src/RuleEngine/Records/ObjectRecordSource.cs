using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>Host objects, synchronous or asynchronous, written into records by a compiled writer.</summary>
internal sealed class ObjectRecordSource<T>(ClrSchema clr, IEnumerable<T>? items, IAsyncEnumerable<T>? asyncItems)
    : RecordSource(clr.Schema)
{
    private readonly Action<T, Record> _writer = (Action<T, Record>)clr.Writer;
    private readonly IEnumerable<T>? _items = items;
    private readonly IAsyncEnumerable<T>? _asyncItems = asyncItems;

    internal override RecordCursor Open(RecordLayout layout) => new Cursor(this, defer: false);

    /// <summary>With <paramref name="deferParsing"/>, the reader only takes the next object; the run's workers write it into its record, in parallel.</summary>
    internal override RecordCursor Open(RecordLayout layout, bool[] fields, bool deferParsing) => new Cursor(this, deferParsing && !typeof(T).IsValueType);

    private sealed class Cursor(ObjectRecordSource<T> source, bool defer) : RecordCursor
    {
        private readonly IEnumerator<T>? _items = source._items?.GetEnumerator();
        private IAsyncEnumerator<T>? _asyncItems;
        private long _row;

        public override async ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            T current;
            if (_items is not null)
            {
                if (!_items.MoveNext())
                {
                    return ReadOutcome.End;
                }

                current = _items.Current;
            }
            else
            {
                _asyncItems ??= source._asyncItems!.GetAsyncEnumerator(cancellationToken);
                if (!await _asyncItems.MoveNextAsync().ConfigureAwait(false))
                {
                    return ReadOutcome.End;
                }

                current = _asyncItems.Current;
            }

            long row = ++_row;
            if (current is null)
            {
                return Reject(source.Dataset, row, (DiagnosticIds.MalformedRecord, "The item is null."));
            }

            target.Line = row;
            if (defer)
            {
                target.PendingItem = current;
                return ReadOutcome.Record;
            }

            try
            {
                source._writer(current, target);
            }
            catch (FieldRejectedException rejected)
            {
                return Reject(source.Dataset, row, (rejected.Code, rejected.Message), rejected.Field);
            }

            return ReadOutcome.Record;
        }

        public override RecordRejection? Complete(Record record)
        {
            if (record.PendingItem is not T item)
            {
                return null;
            }

            record.PendingItem = null;
            try
            {
                source._writer(item, record);
                return null;
            }
            catch (FieldRejectedException rejected)
            {
                record.SetAllNull();
                return new RecordRejection(source.Dataset, record.Line, rejected.Code, rejected.Message) { Field = rejected.Field };
            }
        }

        public override async ValueTask DisposeAsync()
        {
            _items?.Dispose();
            if (_asyncItems is not null)
            {
                await _asyncItems.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
