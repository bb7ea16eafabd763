using System.Data;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>Rows of an <see cref="IDataReader"/>, read with typed getters where the column's type allows.</summary>
internal sealed class DataReaderRecordSource(DatasetSchema schema, IDataReader reader) : RecordSource(schema)
{
    private readonly IDataReader _reader = reader;

    internal override RecordCursor Open(RecordLayout layout) => new Cursor(this);

    private sealed class Cursor : RecordCursor
    {
        private readonly DataReaderRecordSource _source;
        private readonly int[] _ordinals;
        private readonly Type[] _columnTypes;
        private long _row;

        public Cursor(DataReaderRecordSource source)
        {
            _source = source;
            IDataReader reader = source._reader;
            var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < reader.FieldCount; i++)
            {
                byName.TryAdd(reader.GetName(i), i);
            }

            IReadOnlyList<FieldDefinition> fields = source.Schema.Fields;
            _ordinals = new int[fields.Count];
            _columnTypes = new Type[fields.Count];
            var missing = new List<string>();
            for (int f = 0; f < fields.Count; f++)
            {
                if (byName.TryGetValue(fields[f].SourceName, out int ordinal) || byName.TryGetValue(fields[f].Name, out ordinal))
                {
                    _ordinals[f] = ordinal;
                    _columnTypes[f] = reader.GetFieldType(ordinal);
                }
                else
                {
                    missing.Add(fields[f].SourceName);
                }
            }

            if (missing.Count > 0)
            {
                throw new RecordSourceException(DiagnosticIds.MissingColumn, source.Dataset, $"The reader lacks the column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} that the schema declares.");
            }
        }

        public override ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            IDataReader reader = _source._reader;
            if (!reader.Read())
            {
                return ValueTask.FromResult(ReadOutcome.End);
            }

            long row = ++_row;
            target.Line = row;
            IReadOnlyList<FieldDefinition> fields = _source.Schema.Fields;
            for (int f = 0; f < fields.Count; f++)
            {
                if (Write(reader, f, fields[f], target) is { } failure)
                {
                    return ValueTask.FromResult(Reject(_source.Dataset, row, failure, fields[f].Name));
                }
            }

            return ValueTask.FromResult(ReadOutcome.Record);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private (string Code, string Message)? Write(IDataReader reader, int field, FieldDefinition definition, Record target) =>
            DataReaderFieldWriter.Write(reader, _ordinals[field], _columnTypes[field], field, definition, target);
    }
}
