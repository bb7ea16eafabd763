using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Columnar;

/// <summary>
/// A columnar file read a batch at a time into pooled records. A record's line is the file's line column when it has
/// one (<see cref="ColumnarSourceOptions.LineColumn"/>), else its row number counted from 1. A value that does not
/// convert rejects its record (dataset, line, field, code; never the value); the rest of the batch goes on.
/// </summary>
internal sealed class ColumnarRecordSource(DatasetSchema schema, Func<CancellationToken, IAsyncEnumerable<ColumnBatch>> batches) : RecordSource(schema)
{
    internal override RecordCursor Open(RecordLayout layout) => new Cursor(this);

    /// <summary>Finds each schema field's column by name (the field's source name first); a missing one fails the source with RE5002.</summary>
    internal static int[] MapColumns(DatasetSchema schema, IReadOnlyList<string> columns)
    {
        var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < columns.Count; i++)
        {
            byName.TryAdd(columns[i], i);
        }

        var map = new int[schema.Fields.Count];
        var missing = new List<string>();
        for (int f = 0; f < map.Length; f++)
        {
            FieldDefinition field = schema.Fields[f];
            if (byName.TryGetValue(field.SourceName, out int index) || byName.TryGetValue(field.Name, out index))
            {
                map[f] = index;
            }
            else
            {
                missing.Add(field.SourceName);
            }
        }

        return missing.Count == 0
            ? map
            : throw new RecordSourceException(DiagnosticIds.MissingColumn, schema.Name, $"The file lacks the column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} that the schema declares.");
    }

    private sealed class Cursor(ColumnarRecordSource source) : RecordCursor
    {
        private readonly CancellationTokenSource _stop = new();
        private IAsyncEnumerator<ColumnBatch>? _batches;
        private ColumnBatch? _batch;
        private int _row;
        private long _ordinal;

        public override async ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            _batches ??= source.Batches(_stop.Token).GetAsyncEnumerator(_stop.Token);
            while (_batch is null || _row >= _batch.Rows)
            {
                if (!await _batches.MoveNextAsync().ConfigureAwait(false))
                {
                    return ReadOutcome.End;
                }

                _batch = _batches.Current;
                _row = 0;
            }

            int row = _row++;
            long line = _batch.Lines?[row] ?? ++_ordinal;
            if (_batch.Lines is not null)
            {
                _ordinal++;
            }

            target.Line = line;
            IReadOnlyList<FieldDefinition> fields = source.Schema.Fields;
            for (int f = 0; f < fields.Count; f++)
            {
                if (_batch.Fields[f].Write(row, target, f, fields[f]) is { } failure)
                {
                    return Reject(source.Dataset, line, failure, fields[f].Name);
                }
            }

            return ReadOutcome.Record;
        }

        public override async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            if (_batches is not null)
            {
                await _batches.DisposeAsync().ConfigureAwait(false);
            }

            _stop.Dispose();
        }
    }

    private IAsyncEnumerable<ColumnBatch> Batches(CancellationToken cancellationToken) => batches(cancellationToken);
}
