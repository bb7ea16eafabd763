using System.Globalization;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Excel;

/// <summary>
/// The rows of one sheet, read with MiniExcel's streaming reader. Each cell becomes the text a CSV export would hold
/// (numbers in invariant form, dates as <c>yyyy-MM-dd</c>, Booleans as <c>true</c>/<c>false</c>) and is parsed by the
/// same code as CSV, so types, NULLs and rejections are the same; an error cell (<c>#N/A</c>) rejects its row.
/// Every row up to the last is accounted for: header (and the rows above it), record, or blank.
/// </summary>
/// <remarks>
/// MiniExcel gives every row as many cells as the sheet's recorded size (<c>&lt;dimension ref="A1:XFD…"/&gt;</c>) names
/// columns, in time that grows with the square of that number: a 25 KB workbook claiming all 16,384 columns took two
/// seconds a row. So when the header row comes out much wider than the last column that holds a field, the rows below
/// it are read again only that far (a sheet without a recorded size is scanned once more for it, so this is not done
/// for a few spare columns; a row as wide as a hostile claim is then read once, the header's). Cells to the right of
/// the last field's column belong to no field, and a row with values only there is blank.
/// </remarks>
internal sealed class ExcelRecordSource(DatasetSchema schema, Func<Stream> open, ExcelSourceOptions options) : RecordSource(schema)
{
    private readonly Func<Stream> _open = open;
    private readonly ExcelSourceOptions _options = options;

    /// <summary>
    /// MiniExcel's reading settings. Rows a sheet skips are given as blank rows, and MiniExcel stops a sheet once it has
    /// made 100,000 such empty cells — which an export with a blank line between records (60,000 of them, two columns)
    /// already passes. Blank rows are counted like any other, and a row is no wider than the fields' columns, so the
    /// limit is raised to the cells of every row Excel allows, 16 columns wide.
    /// </summary>
    private static readonly OpenXmlConfiguration Reading = new() { MaxSynthesizedCells = 1L << 24 };

    /// <summary>Columns beyond the last field's that a row may carry before the rows are read again, narrower.</summary>
    private const int SpareColumns = 16;

    private static readonly string[] ErrorValues = ["#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#GETTING_DATA", "#SPILL!", "#CALC!"];

    internal override RecordCursor Open(RecordLayout layout) => new Cursor(this);

    private sealed class Cursor : RecordCursor
    {
        private readonly ExcelRecordSource _source;
        private readonly Stream _stream;
        private readonly IEnumerator<IDictionary<string, object?>> _rows;
        private readonly string?[] _columnOfField;
        private readonly int _lastColumn;
        private long _row;
        private long _records;
        private long _blank;

        public Cursor(ExcelRecordSource source)
        {
            _source = source;
            ExcelSourceOptions options = source._options;
            if (options.HeaderRow < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(source), "The header row is 1 or more.");
            }

            _stream = source._open();
            Track(_stream);
            try
            {
                if (options.Sheet is { } sheet && !MiniExcel.GetSheetNames(_stream).Contains(sheet))
                {
                    throw new RecordSourceException(DiagnosticIds.MissingColumn, source.Dataset, $"The workbook has no sheet '{sheet}'; it has {string.Join(", ", MiniExcel.GetSheetNames(_stream).Select(s => $"'{s}'"))}.");
                }

                _stream.Position = 0;
                _rows = MiniExcel.Query(_stream, useHeaderRow: false, sheetName: options.Sheet, excelType: ExcelType.XLSX, startCell: "A1", configuration: Reading)
                    .Cast<IDictionary<string, object?>>().GetEnumerator();
                (_columnOfField, _lastColumn, int width) = ReadHeader(options);
                if (width > (2 * _lastColumn) + SpareColumns)
                {
                    _rows.Dispose();
                    _stream.Position = 0;
                    _rows = MiniExcel.QueryRange(_stream, useHeaderRow: false, sheetName: options.Sheet, excelType: ExcelType.XLSX, startRowIndex: options.HeaderRow + 1, startColumnIndex: 1, endRowIndex: null, endColumnIndex: _lastColumn, configuration: Reading)
                        .Cast<IDictionary<string, object?>>().GetEnumerator();
                }
            }
            catch (RecordSourceException)
            {
                // No sheet of that name, no header row, a missing or doubled column: the file is closed all the same.
                _stream.Dispose();
                throw;
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or System.Xml.XmlException or IOException)
            {
                _stream.Dispose();
                throw new RecordSourceException(DiagnosticIds.MalformedRecord, source.Dataset, $"The file cannot be read as an .xlsx workbook ({e.GetType().Name}): it is another format, or damaged.");
            }
        }

        public override LineAccount? Lines => new(_row, Math.Min(_row, _source._options.HeaderRow), _records, _blank);

        public override ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            while (Next())
            {
                // A sheet of many blank rows is read here without returning: a cancelled run stops between rows.
                cancellationToken.ThrowIfCancellationRequested();
                _row++;
                IDictionary<string, object?> cells = _rows.Current;
                if (IsBlank(cells))
                {
                    _blank++;
                    continue;
                }

                _records++;
                target.Line = _row;
                return ValueTask.FromResult(Fill(cells, target));
            }

            return ValueTask.FromResult(ReadOutcome.End);
        }

        /// <summary>Whether every cell up to the last field's column is empty (cells come in column order, from A).</summary>
        private bool IsBlank(IDictionary<string, object?> cells)
        {
            int column = 0;
            foreach (object? value in cells.Values)
            {
                if (++column > _lastColumn)
                {
                    break;
                }

                if (value is not (null or ""))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Moves to the next row; a workbook damaged after some rows stops the source with a code, never a crash.</summary>
        private bool Next()
        {
            try
            {
                return _rows.MoveNext();
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or System.Xml.XmlException or IOException or FormatException or InvalidCastException)
            {
                throw new RecordSourceException(DiagnosticIds.MalformedRecord, _source.Dataset, string.Create(CultureInfo.InvariantCulture, $"The workbook is damaged: it cannot be read after row {_row} ({e.GetType().Name}); the rows before it were read."));
            }
        }

        public override ValueTask DisposeAsync()
        {
            _rows.Dispose();
            return _stream.DisposeAsync();
        }

        /// <summary>
        /// Reads up to the header row and finds each field's column (its letter) by the field's source name, then its
        /// name; also gives the last column (1-based) that holds a field and how many cells the header row came with.
        /// </summary>
        private (string?[] Columns, int LastColumn, int Width) ReadHeader(ExcelSourceOptions options)
        {
            int headerRow = options.HeaderRow;
            IDictionary<string, object?>? header = null;
            while (_row < headerRow && _rows.MoveNext())
            {
                _row++;
                header = _rows.Current;
            }

            if (_row < headerRow || header is null)
            {
                throw new RecordSourceException(DiagnosticIds.NoRecords, _source.Dataset, string.Create(CultureInfo.InvariantCulture, $"The sheet has no row {headerRow} to read the column names from."));
            }

            var byName = new Dictionary<string, (string Letter, int Position)>(StringComparer.OrdinalIgnoreCase);
            int position = 0;
            foreach ((string column, object? name) in header)
            {
                position++;
                if (Text(name) is { Length: > 0 } text)
                {
                    if (!byName.TryAdd(text.Trim(), (column, position)))
                    {
                        throw new RecordSourceException(DiagnosticIds.DuplicateColumn, _source.Dataset, $"Two columns of the header row are named '{text.Trim()}'.");
                    }
                }
            }

            IReadOnlyList<FieldDefinition> fields = _source.Schema.Fields;
            var columns = new string?[fields.Count];
            var missing = new List<string>();
            int lastColumn = 1;
            for (int f = 0; f < fields.Count; f++)
            {
                if (byName.TryGetValue(fields[f].SourceName, out (string Letter, int Position) column) || byName.TryGetValue(fields[f].Name, out column))
                {
                    columns[f] = column.Letter;
                    lastColumn = Math.Max(lastColumn, column.Position);
                }
                else
                {
                    missing.Add(fields[f].SourceName);
                }
            }

            if (missing.Count > 0)
            {
                throw new RecordSourceException(DiagnosticIds.MissingColumn, _source.Dataset, string.Create(CultureInfo.InvariantCulture, $"The header row ({headerRow}) lacks the column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} that the schema declares."));
            }

            return (columns, lastColumn, position);
        }

        private ReadOutcome Fill(IDictionary<string, object?> cells, Record target)
        {
            IReadOnlyList<FieldDefinition> fields = _source.Schema.Fields;
            for (int f = 0; f < fields.Count; f++)
            {
                object? value = cells.TryGetValue(_columnOfField[f]!, out object? cell) ? cell : null;
                if (value is string error && Array.IndexOf(ErrorValues, error) >= 0)
                {
                    return Reject(_source.Dataset, _row, (DiagnosticIds.InvalidValue, $"Field '{fields[f].Name}' is an Excel error cell ({error})."), fields[f].Name);
                }

                string text = Text(value, fields[f].Type) ?? string.Empty;
                if (FieldValueParser.TryWrite(target, f, fields[f], text, _source._options.ArraySeparator) is { } failure)
                {
                    return Reject(_source.Dataset, _row, failure, fields[f].Name);
                }
            }

            return ReadOutcome.Record;
        }

        /// <summary>A cell as the text a CSV export of it would hold.</summary>
        private static string? Text(object? value, FieldType type = FieldType.String) => value switch
        {
            null => null,
            string text => text,
            bool flag => flag ? "true" : "false",
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            DateTime time when type == FieldType.YearMonth => time.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            DateTime time when type == FieldType.DateTime || time.TimeOfDay != TimeSpan.Zero => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            DateTime time => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable other => other.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }
}
