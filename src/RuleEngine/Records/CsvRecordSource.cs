using System.Globalization;
using nietras.SeparatedValues;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>CSV through Sep: RFC 4180 quoting and embedded newlines, fields mapped by header, cells parsed from spans.</summary>
internal sealed class CsvRecordSource(DatasetSchema schema, Func<Stream> openStream, bool ownsStream, CsvSourceOptions options)
    : RecordSource(schema)
{
    private readonly Func<Stream> _openStream = openStream;
    private readonly bool _ownsStream = ownsStream;
    private readonly CsvSourceOptions _options = options;

    internal override RecordCursor Open(RecordLayout layout) => new Cursor(this, layout);

    private sealed class Cursor : RecordCursor
    {
        private readonly CsvRecordSource _source;
        private readonly RowBoundedReader _text;
        private readonly SepReader _reader;
        private readonly int[] _columnOfField;
        private readonly int _headerCount;
        private long _lastLine = 1;

        public Cursor(CsvRecordSource source, RecordLayout layout)
        {
            _source = source;
            Stream stream = source._openStream();
            Track(stream);
            _text = new RowBoundedReader(TextEncodingDetector.OpenReader(stream, source._options.Encoding, leaveOpen: !source._ownsStream), source._options.MaxRecordChars);
            try
            {
                _reader = new SepReaderOptions(new Sep(source._options.Separator))
                {
                    HasHeader = true,
                    Unescape = true,
                    DisableColCountCheck = true,
                    CultureInfo = CultureInfo.InvariantCulture,
                }.From(_text);
            }
            catch (RowTooLongException)
            {
                _text.Dispose();
                throw TooLong(source, 1);
            }
            catch (ArgumentException)
            {
                // Sep refuses a header that names a column twice (found by the fuzz test); which value would the field take?
                _text.Dispose();
                throw new RecordSourceException(DiagnosticIds.DuplicateColumn, source.Dataset, $"The CSV header of dataset '{source.Dataset}' names a column twice; the file cannot be read.");
            }

            IReadOnlyList<string> columns = _reader.Header.ColNames;
            _headerCount = columns.Count;
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < columns.Count; i++)
            {
                index.TryAdd(columns[i].Trim().TrimStart('\uFEFF'), i);
            }

            DatasetSchema schema = layout.Schema;
            _columnOfField = new int[schema.Fields.Count];
            var missing = new List<string>();
            for (int f = 0; f < schema.Fields.Count; f++)
            {
                FieldDefinition field = schema.Fields[f];
                if (index.TryGetValue(field.SourceName, out int column) || index.TryGetValue(field.Name, out column))
                {
                    _columnOfField[f] = column;
                }
                else
                {
                    missing.Add(field.SourceName);
                }
            }

            if (missing.Count > 0)
            {
                _reader.Dispose();
                _text.Dispose();
                throw new RecordSourceException(
                    DiagnosticIds.MissingColumn,
                    schema.Name,
                    $"The CSV header lacks the column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} that the schema declares.");
            }
        }

        public override ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            _text.NextRow();
            try
            {
                if (!_reader.MoveNext())
                {
                    return ValueTask.FromResult(ReadOutcome.End);
                }
            }
            catch (RowTooLongException)
            {
                throw TooLong(_source, _lastLine + 1);
            }

            SepReader.Row row = _reader.Current;
            long line = row.LineNumberFrom;
            _lastLine = row.LineNumberToExcl - 1;
            string dataset = _source.Dataset;
            if (row.ColCount != _headerCount)
            {
                return ValueTask.FromResult(Reject(dataset, line, (DiagnosticIds.WrongFieldCount, $"The row has {row.ColCount} field(s); the header has {_headerCount}."), raw: row.Span.ToString()));
            }

            target.Line = line;
            IReadOnlyList<FieldDefinition> fields = _source.Schema.Fields;
            for (int f = 0; f < fields.Count; f++)
            {
                if (FieldValueParser.TryWrite(target, f, fields[f], row[_columnOfField[f]].Span, _source._options.ArraySeparator) is { } failure)
                {
                    return ValueTask.FromResult(Reject(dataset, line, failure, fields[f].Name, row.Span.ToString()));
                }
            }

            return ValueTask.FromResult(ReadOutcome.Record);
        }

        private static RecordSourceException TooLong(CsvRecordSource source, long line) =>
            new(DiagnosticIds.RecordTooLarge, source.Dataset, $"The CSV row from line {line} of dataset '{source.Dataset}' is longer than {source._options.MaxRecordChars} characters (an unclosed quote, perhaps); the file cannot be read past it.");

        public override ValueTask DisposeAsync()
        {
            _reader.Dispose();
            _text.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
