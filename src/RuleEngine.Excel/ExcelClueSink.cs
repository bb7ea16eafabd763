using System.Globalization;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;
using RuleEngine.Clues;
using RuleEngine.Schema;

namespace RuleEngine.Excel;

/// <summary>
/// Writes clues as an .xlsx workbook for the people who verify them: a sheet per model, a row per clue (model, rule,
/// version, title, severity, subject, dataset, row, action, fingerprint), then a column per evidence field headed with
/// the dataset's own column name (<c>公民身份号码</c>, not <c>person_id</c>), numbers and dates as typed cells, the
/// header row frozen. Text a spreadsheet would run as a formula is prefixed with <c>'</c>. Values are written as the
/// run gives them: personal values masked unless the run revealed them.
/// </summary>
/// <remarks>
/// Clues wait in a temporary file per model (deleted when the sink is disposed), so memory stays flat however many
/// there are; the workbook is written, streaming, when the sink is disposed.
/// </remarks>
/// <threadsafety instance="false"/>
public sealed class ExcelClueSink : IClueSink, IAsyncDisposable
{
    private static readonly string[] FixedColumns = ["模型", "规则", "版本", "标题", "严重程度", "主体", "数据集", "行号", "建议措施", "线索指纹"];

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly IReadOnlyDictionary<string, DatasetSchema> _datasets;
    private readonly Dictionary<string, Sheet> _sheets = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ExcelClueSink"/> class.</summary>
    /// <param name="stream">The stream the workbook is written to when the sink is disposed.</param>
    /// <param name="datasets">The schemas of the clues' datasets (<see cref="RuleSet.Datasets"/>), for the column names.</param>
    /// <param name="ownsStream">Whether disposing the sink disposes the stream.</param>
    public ExcelClueSink(Stream stream, IReadOnlyDictionary<string, DatasetSchema> datasets, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(datasets);
        _stream = stream;
        _datasets = datasets;
        _ownsStream = ownsStream;
    }

    /// <summary>Gets how many clues were written.</summary>
    public long Count { get; private set; }

    /// <inheritdoc/>
    public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clue);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        string model = clue.ModelId ?? "clues";
        if (!_sheets.TryGetValue(model, out Sheet? sheet))
        {
            sheet = new Sheet(SheetName(model));
            _sheets.Add(model, sheet);
        }

        sheet.Add(clue, this);
        Count++;
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the workbook and deletes the temporary files.</summary>
    /// <returns>A task that completes when the workbook is in the stream.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            var workbook = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (Sheet sheet in _sheets.Values)
            {
                workbook[sheet.Name] = sheet.Rows();
            }

            if (workbook.Count == 0)
            {
                // No clue: a sheet with the headings alone, so whoever opens it sees an empty list, not a broken file.
                using var headings = new System.Data.DataTable("clues") { Locale = CultureInfo.InvariantCulture };
                foreach (string column in FixedColumns)
                {
                    headings.Columns.Add(column);
                }

                workbook["clues"] = headings.Clone();
            }

            await MiniExcel.SaveAsAsync(_stream, workbook, printHeader: true, excelType: ExcelType.XLSX, configuration: new OpenXmlConfiguration { FreezeRowCount = 1, AutoFilter = true }).ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            foreach (Sheet sheet in _sheets.Values)
            {
                sheet.Dispose();
            }

            if (_ownsStream)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The heading of an evidence field's column: the dataset's column name for it.</summary>
    private string Heading(string dataset, string field) =>
        _datasets.TryGetValue(dataset, out DatasetSchema? schema) && schema.Fields.FirstOrDefault(f => f.Name == field) is { } definition ? definition.SourceName : field;

    /// <summary>A sheet name Excel accepts: at most 31 characters, none of <c>[]:*?/\</c>, unique in the workbook.</summary>
    private string SheetName(string model)
    {
        string name = new([.. model.Select(c => c is '[' or ']' or ':' or '*' or '?' or '/' or '\\' ? '_' : c)]);
        name = name.Length > 31 ? name[..31] : name;
        string unique = name;
        for (int n = 2; _sheets.Values.Any(s => string.Equals(s.Name, unique, StringComparison.OrdinalIgnoreCase)); n++)
        {
            string suffix = "~" + n.ToString(CultureInfo.InvariantCulture);
            unique = name[..Math.Min(name.Length, 31 - suffix.Length)] + suffix;
        }

        return unique;
    }

    /// <summary>A cell: typed where Excel has the type, defused text otherwise.</summary>
    private static object? Cell(object? value) => value switch
    {
        null => null,
        string text => Defused(text),
        bool or int or long or decimal or double => value,
        DateOnly date => date.ToDateTime(TimeOnly.MinValue),
        DateTime => value,
        string[] items => Defused(string.Join(';', items)),
        IFormattable formattable => Defused(formattable.ToString(null, CultureInfo.InvariantCulture)),
        _ => Defused(value.ToString() ?? string.Empty),
    };

    private static string Defused(string text) => CsvClueSink.Safe(text);

    /// <summary>One model's clues, spooled to a temporary file until the workbook is written.</summary>
    private sealed class Sheet(string name) : IDisposable
    {
        private readonly FileStream _spool = new(Path.Combine(Path.GetTempPath(), "ruleengine-xlsx-" + Path.GetRandomFileName()), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        private readonly List<(string Dataset, string Field, string Heading)> _evidence = [];
        private readonly Dictionary<(string, string), int> _evidenceIndex = [];
        private BinaryWriter? _writer;

        public string Name { get; } = name;

        public void Add(Clue clue, ExcelClueSink sink)
        {
            _writer ??= new BinaryWriter(_spool, System.Text.Encoding.UTF8, leaveOpen: true);
            string[] fixedCells = [clue.ModelId ?? string.Empty, clue.RuleId, clue.RuleVersion, clue.Title, clue.Severity switch { ClueSeverity.High => "高", ClueSeverity.Low => "低", _ => "中" }, clue.SubjectKey, clue.Dataset, clue.Line.ToString(CultureInfo.InvariantCulture), clue.Action ?? string.Empty, clue.Fingerprint];
            foreach (string cell in fixedCells)
            {
                _writer.Write(cell);
            }

            // A field that several evidence records share (a window's members) is one column: its values joined.
            var values = new Dictionary<int, List<object?>>();
            foreach (EvidenceValue evidence in clue.Evidence)
            {
                if (!_evidenceIndex.TryGetValue((evidence.Dataset, evidence.Field), out int column))
                {
                    column = _evidence.Count;
                    _evidenceIndex[(evidence.Dataset, evidence.Field)] = column;
                    _evidence.Add((evidence.Dataset, evidence.Field, sink.Heading(evidence.Dataset, evidence.Field)));
                }

                (values.TryGetValue(column, out List<object?>? list) ? list : values[column] = []).Add(evidence.Value);
            }

            _writer.Write(values.Count);
            foreach ((int column, List<object?> list) in values)
            {
                _writer.Write(column);
                WriteValue(_writer, list.Count == 1 ? list[0] : string.Join("; ", list.Distinct().Select(Execution.ClueFactory.Format)));
            }
        }

        /// <summary>The rows, read back from the spool as the workbook is written.</summary>
        public IEnumerable<IDictionary<string, object?>> Rows()
        {
            _writer?.Flush();
            string[] headings = Headings();
            _spool.Position = 0;
            using var reader = new BinaryReader(_spool, System.Text.Encoding.UTF8, leaveOpen: true);
            while (_spool.Position < _spool.Length)
            {
                var row = new Dictionary<string, object?>(headings.Length, StringComparer.Ordinal);
                for (int i = 0; i < FixedColumns.Length; i++)
                {
                    string text = reader.ReadString();
                    row[FixedColumns[i]] = i == 7 ? long.Parse(text, CultureInfo.InvariantCulture) : Cell(text);
                }

                for (int i = FixedColumns.Length; i < headings.Length; i++)
                {
                    row[headings[i]] = null;
                }

                int count = reader.ReadInt32();
                for (int i = 0; i < count; i++)
                {
                    int column = reader.ReadInt32();
                    row[headings[FixedColumns.Length + column]] = Cell(ReadValue(reader));
                }

                yield return row;
            }
        }

        public void Dispose()
        {
            _writer?.Dispose();
            _spool.Dispose();
        }

        /// <summary>The column headings: the fixed ones, then each evidence field's, made unique with its dataset when two datasets share one.</summary>
        private string[] Headings()
        {
            var taken = new HashSet<string>(FixedColumns, StringComparer.Ordinal);
            var headings = new List<string>(FixedColumns);
            foreach ((string dataset, string field, string heading) in _evidence)
            {
                string unique = taken.Contains(heading) ? $"{heading}（{dataset}.{field}）" : heading;
                taken.Add(unique);
                headings.Add(unique);
            }

            return [.. headings];
        }

        private static void WriteValue(BinaryWriter writer, object? value)
        {
            switch (value)
            {
                case null:
                    writer.Write((byte)0);
                    break;
                case bool flag:
                    writer.Write((byte)1);
                    writer.Write(flag);
                    break;
                case int or long:
                    writer.Write((byte)2);
                    writer.Write(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
                case decimal number:
                    writer.Write((byte)3);
                    writer.Write(number);
                    break;
                case double number:
                    writer.Write((byte)4);
                    writer.Write(number);
                    break;
                case DateOnly date:
                    writer.Write((byte)5);
                    writer.Write(date.DayNumber);
                    break;
                case DateTime time:
                    writer.Write((byte)6);
                    writer.Write(time.Ticks);
                    break;
                default:
                    writer.Write((byte)7);
                    writer.Write(Execution.ClueFactory.Format(value));
                    break;
            }
        }

        private static object? ReadValue(BinaryReader reader) => reader.ReadByte() switch
        {
            0 => null,
            1 => reader.ReadBoolean(),
            2 => reader.ReadInt64(),
            3 => reader.ReadDecimal(),
            4 => reader.ReadDouble(),
            5 => DateOnly.FromDayNumber(reader.ReadInt32()),
            6 => new DateTime(reader.ReadInt64(), DateTimeKind.Unspecified),
            _ => reader.ReadString(),
        };
    }
}
