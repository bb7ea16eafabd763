using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using DuckDB.NET.Data;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using Record = RuleEngine.Records.Record;
using RecordBatch = Apache.Arrow.RecordBatch;

namespace RuleEngine.Columnar.Tests;

/// <summary>Values, lines, NULLs and failures when reading Arrow IPC and Parquet into records.</summary>
public sealed class ColumnarReadingTests : IDisposable
{
    private static readonly DatasetSchema Schema = DatasetSchema.Create("people")
        .Add("person_id", FieldType.IdNumber, personal: PersonalDataKind.IdNumber)
        .Add("age", FieldType.Int)
        .Add("amount", FieldType.Decimal)
        .Add("seen", FieldType.Date)
        .Add("flag", FieldType.Bool)
        .Add("tags", FieldType.StringArray)
        .Build();

    private readonly string _folder = Directory.CreateTempSubdirectory("re-columnar-").FullName;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ArrowIpc_FileOrStream_FillsTypedSlots_WithLinesNullsAndNormalisedIds(bool fileFormat)
    {
        string path = Path.Combine(_folder, "people.arrow");
        await WriteArrowAsync(path, fileFormat, ageAsText: false);

        List<Row> rows = await ReadAsync(ColumnarSource.ArrowIpc(path, Schema));

        Assert.Equal(2, rows.Count);
        Assert.Equal(new Row(12, "130503196704010016", 41, 1500.5m, new DateOnly(2024, 2, 29), true, ["甲", "乙"]), rows[0]);
        Assert.Equal(new Row(15, null, null, null, null, null, null), rows[1]);
    }

    [Fact]
    public async Task ArrowIpc_TextValueThatDoesNotConvert_RejectsItsRecordWithLineAndField()
    {
        string path = Path.Combine(_folder, "bad.arrow");
        await WriteArrowAsync(path, fileFormat: true, ageAsText: true);
        var rejections = new List<RecordRejection>();

        List<Row> rows = await ReadAsync(ColumnarSource.ArrowIpc(path, Schema), rejections);

        Assert.Equal(15, Assert.Single(rows).Line);
        RecordRejection rejection = Assert.Single(rejections);
        Assert.Equal((12L, "age", DiagnosticIds.InvalidValue), (rejection.Line, rejection.Field, rejection.Code));
        Assert.DoesNotContain("abc", rejection.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 0, 1)]
    [InlineData(true, 1, 0)]
    public async Task Run_DecodesOnlyTheColumnsItsRulesRead_UnlessEveryFieldIsChecked(bool checkEveryField, int rejected, int clues)
    {
        // Row 12's age does not convert; the rule reads the amount only.
        string path = Path.Combine(_folder, "bad-age.arrow");
        await WriteArrowAsync(path, fileFormat: true, ageAsText: true);
        RuleSet rules = new RuleSetBuilder().AddDataset(Schema).AddRule(new RuleDefinition("R", "people", "amount > 1000")).Build();
        var found = new List<Clues.Clue>();

        RunSummary summary = await rules.RunAsync(ColumnarSource.ArrowIpc(path, Schema), new CollectingSink(found), new RunOptions { CheckEveryField = checkEveryField });

        Assert.Equal(rejected, summary.RecordsRejected);
        Assert.Equal(clues, found.Count);
    }

    private sealed class CollectingSink(List<Clues.Clue> clues) : Clues.IClueSink
    {
        public ValueTask WriteAsync(Clues.Clue clue, CancellationToken cancellationToken = default)
        {
            clues.Add(clue);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Parquet_WithoutLineColumn_NumbersRowsFromOne()
    {
        string path = Path.Combine(_folder, "people.parquet");
        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            await duck.OpenAsync();
            using var command = duck.CreateCommand();
            command.CommandText = $"COPY (SELECT * FROM (VALUES ('11010519491231002X', 30, 2.50::DECIMAL(10,2), DATE '2024-01-01', false), (NULL, NULL, NULL, NULL, NULL)) AS t(person_id, age, amount, seen, flag)) TO '{path}' (FORMAT parquet)";
            await command.ExecuteNonQueryAsync();
        }

        DatasetSchema schema = DatasetSchema.Create("people").Add("person_id", FieldType.IdNumber).Add("age", FieldType.Int).Add("amount", FieldType.Decimal).Add("seen", FieldType.Date).Add("flag", FieldType.Bool).Build();
        List<(long Line, object? Id, object? Amount)> rows = [];
        await foreach (Record record in Records(ColumnarSource.Parquet(path, schema), []))
        {
            rows.Add((record.Line, record.GetValue(0), record.GetValue(2)));
        }

        Assert.Equal([(1L, "11010519491231002X", 2.5m), (2L, null, null)], rows);
    }

    [Fact]
    public async Task Parquet_DamagedInARowGroup_FailsTheSourceWithACode_AfterTheGroupsBefore()
    {
        // Five row groups of compressed pages; the bytes in the middle of the file (the third group's pages) overwritten.
        string path = Path.Combine(_folder, "damaged.parquet");
        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            await duck.OpenAsync();
            using var command = duck.CreateCommand();
            command.CommandText = $"COPY (SELECT '1101051949123' || lpad(CAST(i % 10000 AS VARCHAR), 5, '0') AS person_id, i AS age, md5(CAST(i AS VARCHAR)) AS note FROM range(50000) t(i)) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 10000)";
            await command.ExecuteNonQueryAsync();
        }

        byte[] bytes = await File.ReadAllBytesAsync(path);
        System.Array.Fill(bytes, (byte)0xFF, bytes.Length / 2, 4096);
        await File.WriteAllBytesAsync(path, bytes);
        DatasetSchema schema = DatasetSchema.Create("people").Add("person_id", FieldType.String).Add("age", FieldType.Int).Add("note", FieldType.String).Build();
        long read = 0;

        var error = await Assert.ThrowsAsync<RecordSourceException>(async () =>
        {
            await foreach (Record record in Records(ColumnarSource.Parquet(path, schema), []))
            {
                read++;
            }
        });

        Assert.Equal(DiagnosticIds.MalformedRecord, error.Code);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        Assert.InRange(read, 10_000, 40_000);
    }

    [Fact]
    public async Task MissingColumn_FailsTheSourceWithRE5002()
    {
        string path = Path.Combine(_folder, "people.arrow");
        await WriteArrowAsync(path, fileFormat: true, ageAsText: false);
        DatasetSchema wider = DatasetSchema.Create("people").Add("person_id", FieldType.IdNumber).Add("phone", FieldType.String).Build();

        var error = await Assert.ThrowsAsync<RecordSourceException>(() => ReadAsync(ColumnarSource.ArrowIpc(path, wider)));

        Assert.Equal(DiagnosticIds.MissingColumn, error.Code);
        Assert.Contains("'phone'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("arrow")]
    public async Task FileThatIsNotColumnar_FailsTheSourceWithACode(string format)
    {
        string path = Path.Combine(_folder, "not." + format);
        await File.WriteAllTextAsync(path, "case_no,person_id\n1,2\n");
        RecordSource source = format == "parquet" ? ColumnarSource.Parquet(path, Schema) : ColumnarSource.ArrowIpc(path, Schema);

        var error = await Assert.ThrowsAsync<RecordSourceException>(() => ReadAsync(source));

        Assert.Equal(DiagnosticIds.MalformedRecord, error.Code);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task WriteArrowAsync(string path, bool fileFormat, bool ageAsText)
    {
        var listBuilder = new ListArray.Builder(StringType.Default);
        var items = (StringArray.Builder)listBuilder.ValueBuilder;
        listBuilder.Append();
        items.Append("甲").Append("乙");
        listBuilder.AppendNull();
        IArrowArray age = ageAsText
            ? new StringArray.Builder().Append("abc").Append("41").Build()
            : new Int32Array.Builder().Append(41).AppendNull().Build();
        IArrowArray[] columns =
        [
            new Int64Array.Builder().Append(12).Append(15).Build(),
            new StringArray.Builder().Append("130503670401001").AppendNull().Build(),
            age,
            new Decimal128Array.Builder(new Decimal128Type(18, 4)).Append(1500.5m).AppendNull().Build(),
            new Date32Array.Builder().Append(new DateOnly(2024, 2, 29)).AppendNull().Build(),
            new BooleanArray.Builder().Append(true).AppendNull().Build(),
            listBuilder.Build(),
        ];
        var schema = new Apache.Arrow.Schema.Builder()
            .Field(f => f.Name("_line").DataType(Int64Type.Default))
            .Field(f => f.Name("person_id").DataType(StringType.Default))
            .Field(f => f.Name("age").DataType(ageAsText ? StringType.Default : Int32Type.Default))
            .Field(f => f.Name("amount").DataType(new Decimal128Type(18, 4)))
            .Field(f => f.Name("seen").DataType(Date32Type.Default))
            .Field(f => f.Name("flag").DataType(BooleanType.Default))
            .Field(f => f.Name("tags").DataType(new ListType(StringType.Default)))
            .Build();
        using var batch = new RecordBatch(schema, columns, 2);
        await using FileStream stream = File.Create(path);
        using ArrowStreamWriter writer = fileFormat ? new ArrowFileWriter(stream, schema) : new ArrowStreamWriter(stream, schema);
        await writer.WriteRecordBatchAsync(batch);
        await writer.WriteEndAsync();
    }

    private static async Task<List<Row>> ReadAsync(RecordSource source, List<RecordRejection>? rejections = null)
    {
        var rows = new List<Row>();
        await foreach (Record record in Records(source, rejections ?? []))
        {
            rows.Add(new Row(record.Line, record.GetValue(0), record.GetValue(1), record.GetValue(2), record.GetValue(3), record.GetValue(4), (string[]?)record.GetValue(5)));
        }

        return rows;
    }

    private static async IAsyncEnumerable<Record> Records(RecordSource source, List<RecordRejection> rejections)
    {
        Record record = new RecordLayout(source.Schema).CreateRecord();
        await using RecordCursor cursor = source.Open(record.Layout);
        while (true)
        {
            ReadOutcome outcome = await cursor.ReadAsync(record, CancellationToken.None);
            if (outcome == ReadOutcome.End)
            {
                yield break;
            }

            if (outcome == ReadOutcome.Rejected)
            {
                rejections.Add(cursor.Rejection!);
                continue;
            }

            yield return record;
        }
    }

    private sealed record Row(long Line, object? Id, object? Age, object? Amount, object? Seen, object? Flag, string[]? Tags)
    {
        public bool Equals(Row? other) => other is not null && (Line, Id, Age, Amount, Seen, Flag).Equals((other.Line, other.Id, other.Age, other.Amount, other.Seen, other.Flag))
            && (Tags ?? []).SequenceEqual(other.Tags ?? []) && (Tags is null) == (other.Tags is null);

        public override int GetHashCode() => HashCode.Combine(Line, Id);
    }
}
