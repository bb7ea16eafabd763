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

    internal override RecordCursor Open(RecordLayout layout) => new Cursor(this);

    private sealed class Cursor(ObjectRecordSource<T> source) : RecordCursor
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
