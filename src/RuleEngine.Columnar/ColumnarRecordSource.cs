using System.Threading.Channels;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Columnar;

/// <summary>
/// A columnar file read a batch at a time into pooled records. A record's line is the file's line column when it has
/// one (<see cref="ColumnarSourceOptions.LineColumn"/>), else its row number counted from 1. A value that does not
/// convert rejects its record (dataset, line, field, code; never the value); the rest of the batch goes on. The next
/// batch is decoded on another thread while this one is copied into records (at most <see cref="Prefetch"/> batches
/// ahead), so decoding a row group and filling slots overlap.
/// </summary>
internal sealed class ColumnarRecordSource(DatasetSchema schema, Func<bool[]?, CancellationToken, IAsyncEnumerable<ColumnBatch>> batches) : RecordSource(schema)
{
    /// <summary>How many decoded batches may wait for the cursor.</summary>
    public const int Prefetch = 2;

    internal override RecordCursor Open(RecordLayout layout) => new Cursor(this, null, defer: false);

    /// <summary>
    /// Decodes only the columns of the fields a run reads: the others are never decompressed. With
    /// <paramref name="deferParsing"/>, a record only points at its row of a decoded batch; the run's workers copy the
    /// values into its slots, in parallel.
    /// </summary>
    internal override RecordCursor Open(RecordLayout layout, bool[] fields, bool deferParsing) => new Cursor(this, fields, deferParsing);

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

    private sealed class Cursor(ColumnarRecordSource source, bool[]? fieldsRead, bool defer) : RecordCursor
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Channel<ColumnBatch> _decoded = Channel.CreateBounded<ColumnBatch>(new BoundedChannelOptions(Prefetch) { SingleReader = true, SingleWriter = true });
        private Task? _decoder;
        private ColumnBatch? _batch;
        private int _row;
        private long _ordinal;

        public override async ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            _decoder ??= Task.Run(DecodeAsync, CancellationToken.None);
            while (_batch is null || _row >= _batch.Rows)
            {
                if (!await _decoded.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // The decoder is done; its exception (a RecordSourceException for a broken file) surfaces here.
                    await _decoder.ConfigureAwait(false);
                    return ReadOutcome.End;
                }

                _batch = await _decoded.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                _row = 0;
            }

            int row = _row++;
            long line = _batch.Lines?[row] ?? ++_ordinal;
            if (_batch.Lines is not null)
            {
                _ordinal++;
            }

            target.Line = line;
            if (defer)
            {
                target.PendingItem = _batch;
                target.PendingRow = row;
                return ReadOutcome.Record;
            }

            return Write(_batch, row, target) is { } failure ? Reject(source.Dataset, line, (failure.Code, failure.Message), failure.Field) : ReadOutcome.Record;
        }

        public override RecordRejection? Complete(Record record)
        {
            if (record.PendingItem is not ColumnBatch batch)
            {
                return null;
            }

            record.PendingItem = null;
            if (Write(batch, record.PendingRow, record) is not { } failure)
            {
                return null;
            }

            record.SetAllNull();
            return new RecordRejection(source.Dataset, record.Line, failure.Code, failure.Message) { Field = failure.Field };
        }

        /// <summary>Copies one row of a decoded batch into a record's slots; the failure of a value that does not convert.</summary>
        private (string Code, string Message, string Field)? Write(ColumnBatch batch, int row, Record target)
        {
            IReadOnlyList<FieldDefinition> fields = source.Schema.Fields;
            for (int f = 0; f < fields.Count; f++)
            {
                if (batch.Fields[f] is not { } column)
                {
                    target.SetNull(f);
                }
                else if (column.Write(row, target, f, fields[f]) is { } failure)
                {
                    return (failure.Code, failure.Message, fields[f].Name);
                }
            }

            return null;
        }

        public override async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            if (_decoder is not null)
            {
                try
                {
                    await _decoder.ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or RecordSourceException)
                {
                    // Stopped early, or already reported by ReadAsync.
                }
            }

            _stop.Dispose();
        }

        private async Task DecodeAsync()
        {
            try
            {
                await foreach (ColumnBatch batch in source.Batches(fieldsRead, _stop.Token).ConfigureAwait(false))
                {
                    await _decoded.Writer.WriteAsync(batch, _stop.Token).ConfigureAwait(false);
                }

                _decoded.Writer.Complete();
            }
            catch (Exception e)
            {
                _decoded.Writer.Complete();
                if (e is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    throw;
                }
            }
        }
    }

    private IAsyncEnumerable<ColumnBatch> Batches(bool[]? fields, CancellationToken cancellationToken) => batches(fields, cancellationToken);
}
