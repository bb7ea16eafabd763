using System.Data;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

public class ObjectAndDataReaderSourceTests
{
    public sealed class Payment
    {
        [DatasetField(Type = FieldType.IdNumber, Key = true)]
        public string? PersonId { get; init; }

        [DatasetField(Personal = PersonalDataKind.Name)]
        public string? Name { get; init; }

        public decimal Amount { get; init; }

        public DateOnly PaidMonth { get; init; }

        public DateOnly? DeathDate { get; init; }

        public int? Age { get; init; }

        public double Score { get; init; }

        public bool Suspended { get; init; }

        public DateTime RecordedAt { get; init; }

        public IReadOnlyList<string>? Tags { get; init; }

        [DatasetField(Ignore = true)]
        public object? Internal { get; init; }

        [DatasetField(Name = "village_code")]
        public string Village { get; init; } = string.Empty;
    }

    public sealed class Filing
    {
        public string CaseNo { get; init; } = string.Empty;

        [DatasetField(Type = FieldType.Date)]
        public DateTime FiledOn { get; init; }

        [DatasetField(Type = FieldType.Date)]
        public DateTime? DecidedOn { get; init; }
    }

    [Fact]
    public async Task FromObjects_DateTimePropertiesDeclaredAsDates_AreTheDayTheyFallOn_WithoutCast()
    {
        RecordSource source = RecordSource.FromObjects("filings", new[]
        {
            new Filing { CaseNo = "A1", FiledOn = new DateTime(2024, 3, 1, 23, 59, 0), DecidedOn = null },
            new Filing { CaseNo = "A2", FiledOn = new DateTime(2024, 2, 29, 8, 0, 0), DecidedOn = new DateTime(2024, 5, 1, 9, 30, 0) },
        });
        RuleSet rules = new RuleSetBuilder().AddDataset(source.Schema)
            .AddRule(new RuleDefinition("R", "filings", "filed_on = DATE '2024-03-01' OR days_between(filed_on, decided_on) = 62")).Build();

        (List<RuleEngine.Clues.Clue> clues, _) = await TestRules.RunAsync(rules, source);

        Assert.Equal(FieldType.Date, source.Schema.Fields.Single(f => f.Name == "filed_on").Type);
        Assert.Equal([1L, 2L], clues.Select(c => c.Line));
    }

    [Fact]
    public void FromType_DerivesSnakeCaseFieldsTypesKeysAndPersonalKinds()
    {
        DatasetSchema schema = DatasetSchema.FromType<Payment>("payments");
        Assert.Equal(
            ["person_id", "name", "amount", "paid_month", "death_date", "age", "score", "suspended", "recorded_at", "tags", "village_code"],
            schema.Fields.Select(f => f.Name));
        Assert.Equal(["person_id"], schema.KeyFields);
        Assert.True(schema.TryGetField("person_id", out FieldDefinition? id));
        Assert.Equal((FieldType.IdNumber, PersonalDataKind.IdNumber), (id.Type, id.Personal));
        Assert.True(schema.TryGetField("name", out FieldDefinition? name));
        Assert.Equal(PersonalDataKind.Name, name.Personal);
        Assert.True(schema.TryGetField("amount", out FieldDefinition? amount));
        Assert.False(amount.IsNullable);
        Assert.True(schema.TryGetField("death_date", out FieldDefinition? death));
        Assert.Equal((FieldType.Date, true), (death.Type, death.IsNullable));
        Assert.True(schema.TryGetField("tags", out FieldDefinition? tags));
        Assert.Equal(FieldType.StringArray, tags.Type);
    }

    [Fact]
    public void FromType_UnsupportedProperty_ReportsInvalidSchema()
    {
        var error = Assert.Throws<RuleCompilationException>(() => DatasetSchema.FromType<Unsupported>("x"));
        Assert.Equal(DiagnosticIds.InvalidSchema, Assert.Single(error.Diagnostics).Id);
    }

    [Fact]
    public async Task FromObjects_ReadsPropertiesIntoTypedSlots()
    {
        Payment[] items =
        [
            new() { PersonId = "130503670401001", Name = "张三", Amount = 200m, PaidMonth = new DateOnly(2024, 3, 1), Age = 81, Score = 0.5, Suspended = true, RecordedAt = new DateTime(2024, 3, 2, 9, 0, 0), Tags = ["x"], Village = "东村" },
            new() { PersonId = null, Amount = 100m, PaidMonth = new DateOnly(2024, 4, 1) },
        ];
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.FromObjects("payments", items));
        Assert.Empty(rejections);
        Assert.Equal("130503196704010016", records[0]["person_id"]);
        Assert.Equal(200m, records[0]["amount"]);
        Assert.Equal(new DateOnly(2024, 3, 1), records[0]["paid_month"]);
        Assert.Equal(81, records[0]["age"]);
        Assert.Equal(true, records[0]["suspended"]);
        Assert.Equal(new DateTime(2024, 3, 2, 9, 0, 0), records[0]["recorded_at"]);
        Assert.Equal(new[] { "x" }, records[0]["tags"]);
        Assert.Equal("东村", records[0]["village_code"]);
        Assert.Null(records[1]["person_id"]);
        Assert.Null(records[1]["death_date"]);
        Assert.Equal(2L, records[1]["$line"]);
    }

    [Fact]
    public async Task FromObjects_NullItemAndNonFiniteNumber_AreRejectedWithTheirRow()
    {
        Payment?[] items = [new() { Amount = 1 }, null, new() { Amount = 1, Score = double.NaN }, new() { Amount = 2 }];
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.FromObjects("payments", items));
        Assert.Equal([(DiagnosticIds.MalformedRecord, 2L), (DiagnosticIds.ValueOutOfRange, 3L)], rejections.Select(r => (r.Code, r.Line)));
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task FromObjects_InARun_ObjectsWrittenByTheWorkers_AreRejectedAndMatchedInInputOrder()
    {
        // A run's reader only takes each object; its workers write them into records, in parallel.
        Payment?[] items = [.. Enumerable.Range(1, 3000).Select(i => i % 1000 == 7 ? null : new Payment { Amount = i, Score = i % 1000 == 9 ? double.PositiveInfinity : 0 })];
        RuleSet rules = new RuleSetBuilder().AddDataset(DatasetSchema.FromType<Payment>("payments")).AddRule(new RuleDefinition("R", "payments", "amount % 500 = 0")).Build();
        var sink = new CollectingSink();

        RunSummary summary = await rules.RunAsync(RecordSource.FromObjects("payments", items), sink, new RunOptions { MaxDegreeOfParallelism = 2, BatchSize = 64 });

        Assert.Equal([(DiagnosticIds.MalformedRecord, 7L), (DiagnosticIds.ValueOutOfRange, 9L), (DiagnosticIds.MalformedRecord, 1007L), (DiagnosticIds.ValueOutOfRange, 1009L), (DiagnosticIds.MalformedRecord, 2007L), (DiagnosticIds.ValueOutOfRange, 2009L)], summary.Rejections.Select(r => (r.Code, r.Line)));
        Assert.Equal([500L, 1000, 1500, 2000, 2500, 3000], sink.Clues.Select(c => c.Line));
    }

    [Fact]
    public async Task FromObjects_AsyncStream_IsRead()
    {
        var (records, _) = await SourceReader.ReadAllAsync(RecordSource.FromObjects("payments", Stream()));
        Assert.Equal([1m, 2m, 3m], records.Select(r => (decimal)r["amount"]!));

        static async IAsyncEnumerable<Payment> Stream()
        {
            for (int i = 1; i <= 3; i++)
            {
                await Task.Yield();
                yield return new Payment { Amount = i };
            }
        }
    }

    [Fact]
    public async Task FromDataReader_MapsColumnsByNameAndConvertsTypes()
    {
        using var table = new DataTable();
        table.Columns.Add("PERSON_ID", typeof(string));
        table.Columns.Add("amount", typeof(decimal));
        table.Columns.Add("paid_month", typeof(DateTime));
        table.Columns.Add("age", typeof(long));
        table.Columns.Add("score", typeof(string));
        table.Rows.Add("11010519491231002X", 12.5m, new DateTime(2024, 3, 1), 75L, "0.25");
        table.Rows.Add(DBNull.Value, 1m, new DateTime(2024, 4, 1), 3_000_000_000L, "x");
        table.Rows.Add(DBNull.Value, 2m, DBNull.Value, DBNull.Value, DBNull.Value);
        DatasetSchema schema = DatasetSchema.Create("payments")
            .Add("person_id", FieldType.IdNumber)
            .Add("amount", FieldType.Decimal)
            .Add("paid_month", FieldType.Date)
            .Add("age", FieldType.Int)
            .Add("score", FieldType.Double)
            .Build();
        using DataTableReader reader = table.CreateDataReader();
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.FromDataReader(reader, schema));
        Assert.Equal("11010519491231002X", records[0]["person_id"]);
        Assert.Equal(12.5m, records[0]["amount"]);
        Assert.Equal(new DateOnly(2024, 3, 1), records[0]["paid_month"]);
        Assert.Equal(75, records[0]["age"]);
        Assert.Equal(0.25, records[0]["score"]);
        Assert.Equal((DiagnosticIds.ValueOutOfRange, 2L, "age"), (rejections[0].Code, rejections[0].Line, rejections[0].Field));
        Assert.Null(records[1]["paid_month"]);
    }

    [Fact]
    public void FromDataReader_MissingColumn_FailsNamingIt()
    {
        using var table = new DataTable();
        table.Columns.Add("amount", typeof(decimal));
        using DataTableReader reader = table.CreateDataReader();
        DatasetSchema schema = DatasetSchema.Create("p").Add("amount", FieldType.Decimal).Add("person_id", FieldType.IdNumber).Build();
        var error = Assert.Throws<RecordSourceException>(() => RecordSource.FromDataReader(reader, schema).Open(new RecordLayout(schema)));
        Assert.Equal(DiagnosticIds.MissingColumn, error.Code);
        Assert.Contains("'person_id'", error.Message, StringComparison.Ordinal);
    }

    public sealed class Unsupported
    {
        public Guid Id { get; init; }
    }
}
