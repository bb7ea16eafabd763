using System.Globalization;
using nietras.SeparatedValues;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>
/// CSV through Sep: RFC 4180 quoting and embedded newlines, fields mapped by header, cells parsed from spans. The text
/// reaches Sep through a <see cref="CsvRowGuard"/>, which hands on whole rows only and turns a stray quote or a giant
/// line into one rejected line, so the rest of the file is still read and every physical line is accounted for.
/// </summary>
internal sealed class CsvRecordSource(DatasetSchema schema, Func<Stream> openStream, bool ownsStream, CsvSourceOptions options)
    : RecordSource(schema)
{
    private readonly Func<Stream> _openStream = openStream;
    private readonly bool _ownsStream = ownsStream;
    private readonly CsvSourceOptions _options = options;

    internal override RecordCursor Open(RecordLayout layout) => new Cursor(this, layout, null, deferParsing: false);

    internal override RecordCursor Open(RecordLayout layout, bool[] fields, bool deferParsing) => new Cursor(this, layout, fields, deferParsing);

    private sealed class Cursor : RecordCursor
    {
        private readonly CsvRecordSource _source;
        private readonly CsvRowGuard _text;
        private readonly SepReader _reader;
        private readonly int[] _columnOfField;
        private readonly bool[]? _fieldsRead;
        private readonly bool _defer;
        private readonly int _headerCount;
        private long _recordLines;
        private long _blankLines;
        private long? _headerLines;
        private bool _empty;

        public Cursor(CsvRecordSource source, RecordLayout layout, bool[]? fieldsRead, bool deferParsing)
        {
            _source = source;
            _fieldsRead = fieldsRead;
            _defer = deferParsing;
            Stream stream = source._openStream();
            Track(stream);
            _text = new CsvRowGuard(TextEncodingDetector.OpenReader(stream, source._options.Encoding, leaveOpen: !source._ownsStream), source._options.Separator, source._options.MaxRecordChars, source._options.MaxRecordLines);
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
            catch (ArgumentException)
            {
                // Sep refuses a header that names a column twice (found by the fuzz test); which value would the field take?
                _text.Dispose();
                throw new RecordSourceException(DiagnosticIds.DuplicateColumn, source.Dataset, $"The CSV header of dataset '{source.Dataset}' names a column twice; the file cannot be read.");
            }

            if (_text.Lines == 0)
            {
                // A file without a single line (not even a header) is an empty export: the run warns (RE5015).
                _empty = true;
                _headerCount = 0;
                _columnOfField = [];
                return;
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
                // No declared column at all: most often the header is not the first line (a title or a blank line
                // above it) or the separator is another. The line itself is not shown: it may be a record.
                string why = columns.Count == 1 && string.IsNullOrWhiteSpace(columns[0])
                    ? " The first line of the file is blank: the header must be the first line."
                    : missing.Count == schema.Fields.Count
                        ? string.Create(CultureInfo.InvariantCulture, $" The first line has none of them, in {columns.Count} column(s) split at '{source._options.Separator}': the header must be the first line (no title above it), with the dataset's separator.")
                        : string.Empty;
                throw new RecordSourceException(
                    DiagnosticIds.MissingColumn,
                    schema.Name,
                    $"The CSV header lacks the column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} that the schema declares.{why}");
            }
        }

        public override ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            SepReader.Row row;
            long line;
            string dataset = _source.Dataset;
            while (true)
            {
                if (_empty || !_reader.MoveNext())
                {
                    return ValueTask.FromResult(ReadOutcome.End);
                }

                row = _reader.Current;
                line = row.LineNumberFrom;
                _headerLines ??= line - 1;
                if (_text.TryTakeRejection(line, out GuardedLine guarded))
                {
                    _recordLines += row.LineNumberToExcl - row.LineNumberFrom;
                    return ValueTask.FromResult(Reject(dataset, line, (guarded.Code, guarded.Message), raw: guarded.Raw));
                }

                // A blank line of a file of several columns holds no record (an export's last line, a gap between
                // parts): it is counted as blank, as in JSON Lines, not rejected. In a file of one column it is a
                // record whose one field is empty.
                if (_headerCount > 1 && row.ColCount == 1 && row.Span.IsWhiteSpace())
                {
                    _blankLines += row.LineNumberToExcl - row.LineNumberFrom;
                    continue;
                }

                _recordLines += row.LineNumberToExcl - row.LineNumberFrom;
                break;
            }

            if (row.ColCount != _headerCount)
            {
                return ValueTask.FromResult(Reject(dataset, line, (DiagnosticIds.WrongFieldCount, $"The row has {row.ColCount} field(s); the header has {_headerCount}."), raw: row.Span.ToString()));
            }

            target.Line = line;
            IReadOnlyList<FieldDefinition> fields = _source.Schema.Fields;
            bool[]? read = _fieldsRead;
            if (_defer)
            {
                // Split only: the fields' text is kept with the record and parsed by a worker (Complete).
                PendingText pending = target.Pending ??= new PendingText(fields.Count);
                pending.Clear();
                for (int f = 0; f < fields.Count; f++)
                {
                    if (read is null || read[f])
                    {
                        pending.Add(f, row[_columnOfField[f]].Span);
                    }
                }

                pending.AddRow(row.Span);
                pending.Active = true;
                return ValueTask.FromResult(ReadOutcome.Record);
            }

            for (int f = 0; f < fields.Count; f++)
            {
                if (read is not null && !read[f])
                {
                    target.SetNull(f);
                }
                else if (FieldValueParser.TryWrite(target, f, fields[f], row[_columnOfField[f]].Span, _source._options.ArraySeparator) is { } failure)
                {
                    return ValueTask.FromResult(Reject(dataset, line, failure, fields[f].Name, row.Span.ToString()));
                }
            }

            return ValueTask.FromResult(ReadOutcome.Record);
        }

        public override RecordRejection? Complete(Record record)
        {
            if (record.Pending is not { Active: true } pending)
            {
                return null;
            }

            pending.Active = false;
            IReadOnlyList<FieldDefinition> fields = _source.Schema.Fields;
            bool[]? read = _fieldsRead;
            for (int f = 0; f < fields.Count; f++)
            {
                if (read is not null && !read[f])
                {
                    record.SetNull(f);
                }
                else if (FieldValueParser.TryWrite(record, f, fields[f], pending.Field(f), _source._options.ArraySeparator) is { } failure)
                {
                    record.SetAllNull();
                    return new RecordRejection(_source.Dataset, record.Line, failure.Code, failure.Message) { Field = fields[f].Name, RawRecord = pending.Row.ToString() };
                }
            }

            return null;
        }

        // The header's lines are those before the first row (a quoted header name may span lines); without rows, all of them.
        public override LineAccount? Lines => new(_text.Lines, _headerLines ?? _text.Lines, _recordLines, _blankLines);

        public override ValueTask DisposeAsync()
        {
            _reader.Dispose();
            _text.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
