using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Sql.Tests.Support;

namespace RuleEngine.Sql.Tests;

/// <summary>Loading records into a database through the engine's readers, and what a SQL run reports.</summary>
[Trait("Requires", "postgresql")]
public class LoadAndRunTests
{
    private static readonly DatasetSchema Cases = DatasetSchema.Create("cases")
        .Add("case_no", FieldType.CaseNo)
        .Add("person_id", FieldType.IdNumber, personal: PersonalDataKind.IdNumber)
        .Add("name", FieldType.String, personal: PersonalDataKind.Name)
        .Add("amount", FieldType.Decimal)
        .Add("filed", FieldType.Date)
        .Build();

    private const string Csv =
        "case_no,person_id,name,amount,filed\n" +
        "(2024)浙0602刑初1号,130503670401001,张三,1500.50,2024-03-01\n" +
        "(2024)浙0602刑初2号,11010519491231002X,李四,20,2024-02-30\n" +
        "(2024)浙0602刑初3号,370101190102039973,王五,300,2024-04-01\n";

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Loader_ConvertsAsTheEngineReads_KeepsLines_AndCountsRejectedRecords(SqlDialect dialect)
    {
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);

        SqlLoadSummary loaded = await SqlTableLoader.LoadAsync(database.Connection, Source(), "cases");

        Assert.Equal(2, loaded.RecordsLoaded);
        Assert.Equal(1, loaded.RecordsRejected);
        RecordRejection rejection = Assert.Single(loaded.Rejections);
        Assert.Equal((3L, DiagnosticIds.InvalidValue, "filed"), (rejection.Line, rejection.Code, rejection.Field));
        Assert.DoesNotContain("2024-02-30", rejection.Message, StringComparison.Ordinal);
        Assert.Equal("130503196704010016", await database.ScalarAsync("SELECT person_id FROM cases WHERE _line = 2"));
        Assert.Equal("（2024）浙0602刑初3号", await database.ScalarAsync("SELECT case_no FROM cases WHERE _line = 4"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Run_MasksPersonalData_AndReportsRecordsPerDataset(SqlDialect dialect)
    {
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        await SqlTableLoader.LoadAsync(database.Connection, Source(), "cases");
        RuleSet rules = new RuleSetBuilder().AddDataset(Cases).AddRule(new RuleDefinition("BIG", "cases", "amount >= 1000")
        {
            Clue = new ClueSpec { Title = "{name}: {amount}", SubjectKey = ["person_id"], Evidence = ["person_id", "amount"] },
        }).Build();
        var sink = new CollectingSink();

        RunSummary summary = await SqlPlan.Create(rules, dialect, [new SqlTable("cases", "cases")]).RunAsync(database.Connection, sink);

        Clues.Clue clue = Assert.Single(sink.Clues);
        Assert.Equal(("130503********0016", 2L), (clue.SubjectKey, clue.Line));

        // PostgreSQL's NUMERIC keeps the input's scale; a DuckDB DECIMAL column has a fixed one, read back without trailing zeros.
        Assert.Equal(dialect == SqlDialect.PostgreSql ? "张*: 1500.50" : "张*: 1500.5", clue.Title);
        Assert.Equal(2, summary.RecordsReadPerDataset["cases"]);
        Assert.Equal(1, summary.CluesPerRule["BIG"]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task YearMonths_MonthFunctions_AndConsecutiveMonths_GiveTheInProcessClues(SqlDialect dialect)
    {
        DatasetSchema returns = DatasetSchema.Create("tax_returns")
            .Add("station", FieldType.String).Add("period", FieldType.YearMonth).Add("filed_at", FieldType.DateTime).Add("declared", FieldType.Decimal)
            .Key("station").Build();
        string csv = "station,period,filed_at,declared\n"
            + "A,2024-01,2024-02-15 09:00:00,50\nA,2024年2月,2024-04-01 00:00:00,60\nA,202403,2024-04-10 08:00:00,70\nA,2024-04,2024-05-10 08:00:00,95\n"
            + "B,2024-01,2024-02-15 09:00:00,50\nB,2024-02,2024-03-15 09:00:00,50\nB,2024-04,2024-05-15 09:00:00,50\nB,2024-05,2024-06-15 09:00:00,50\n";
        RuleSet rules = new RuleSetBuilder().AddDataset(returns)
            .AddRule(new RuleDefinition("RUN", "tax_returns", "declared < 80") { Window = new WindowDefinition("station", "period", 0, "TRUE") { Consecutive = 3 } })
            .AddRule(new RuleDefinition("LATE", "tax_returns", "year_month(filed_at) > date_add(period, 1, 'month') OR months_between(period, date(filed_at)) >= 2") { Clue = new ClueSpec { Evidence = ["period"] } })
            .Build();
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        RecordSource Source() => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), returns);
        await SqlTableLoader.LoadAsync(database.Connection, Source(), "tax_returns");
        var inProcess = new CollectingSink();
        var pushed = new CollectingSink();

        await rules.RunAsync(Source(), inProcess);
        SqlPlan plan = SqlPlan.Create(rules, dialect, [new SqlTable("tax_returns", "tax_returns")]);
        Assert.Empty(plan.Diagnostics);
        await plan.RunAsync(database.Connection, pushed);

        Assert.Equal(["LATE A 2024-02", "RUN A 2024-01..2024-03"], inProcess.Clues.Select(Describe).Order(StringComparer.Ordinal));
        Assert.Equal(inProcess.Clues.Select(Describe).Order(StringComparer.Ordinal), pushed.Clues.Select(Describe).Order(StringComparer.Ordinal));

        static string Describe(Clues.Clue clue) => clue.RuleId == "RUN"
            ? $"RUN {clue.SubjectKey} {clue.Evidence.Single(e => e.Field == "episode_start").Value}..{clue.Evidence.Single(e => e.Field == "episode_end").Value}"
            : $"LATE {clue.SubjectKey} {clue.Evidence.Single(e => e.Field == "period").Value}";
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Stages_JoinThenDeriveThenGroupAndJoinTheStage_GiveTheInProcessClues(SqlDialect dialect)
    {
        DatasetSchema payments = DatasetSchema.Create("payments").Add("person_id", FieldType.IdNumber).Add("paid_on", FieldType.Date).Add("amount", FieldType.Decimal).Key("person_id").Build();
        DatasetSchema deaths = DatasetSchema.Create("deaths").Add("person_id", FieldType.IdNumber).Add("death_date", FieldType.Date).Key("person_id").Build();
        const string Heavy = "11010519491231002X";
        const string Light = "370101190102039973";
        string paymentsCsv = "person_id,paid_on,amount\n"
            + $"{Heavy},2024-04-05,900\n513101198201130014,2024-03-05,700\n{Heavy},2024-01-05,900\n{Light},2024-03-05,500\n"
            + $"{Heavy},2024-02-05,900\n{Light},2024-04-05,500\n{Heavy},2024-03-05,900\n";
        string deathsCsv = $"person_id,death_date\n{Heavy},2024-01-20\n{Light},2024-02-01\n";
        RuleSet rules = new RuleSetBuilder().AddDataset(payments).AddDataset(deaths)
            .AddRule(new RuleDefinition("S1", "payments", "paid_on > d.death_date")
            {
                Joins = [new JoinDefinition("deaths", "d", JoinKind.Inner) { On = [("person_id", "person_id")] }],
                Derive = new DeriveDefinition("paid_after_death", [new("person_id", "person_id"), new("paid_on", "paid_on"), new("amount", "amount"), new("days_after", "days_between(d.death_date, paid_on)")]),
            })
            .AddRule(new RuleDefinition("R1", "paid_after_death", "TRUE") { Window = new WindowDefinition("person_id", "sum(amount) > 2000"), Clue = new ClueSpec { Evidence = ["paid_on", "amount", "days_after"] } })
            .AddRule(new RuleDefinition("R2", "paid_after_death", "days_after > 60"))
            .AddRule(new RuleDefinition("R3", "deaths", "TRUE")
            {
                Joins = [new JoinDefinition("paid_after_death", "p", JoinKind.Inner) { On = [("person_id", "person_id")], Match = JoinMatch.Latest, LatestBy = "paid_on" }],
                Clue = new ClueSpec { Evidence = ["death_date", "p.paid_on"] },
            })
            .Build();
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        RecordSource Payments() => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(paymentsCsv)), payments);
        RecordSource Deaths() => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(deathsCsv)), deaths);
        await SqlTableLoader.LoadAsync(database.Connection, Payments(), "payments");
        await SqlTableLoader.LoadAsync(database.Connection, Deaths(), "deaths");
        var inProcess = new CollectingSink();
        var pushed = new CollectingSink();

        RunSummary expected = await rules.RunAsync([Payments(), Deaths()], inProcess);
        SqlPlan plan = SqlPlan.Create(rules, dialect, [new SqlTable("payments", "payments"), new SqlTable("deaths", "deaths")]);
        Assert.Empty(plan.Diagnostics);
        RunSummary actual = await plan.RunAsync(database.Connection, pushed);

        Assert.Equal(["R1", "R2", "R2", "R3", "R3"], inProcess.Clues.Select(c => c.RuleId).Order(StringComparer.Ordinal));
        Assert.Equal(inProcess.Clues.Select(Clues.JsonLinesClueSink.Format).Order(StringComparer.Ordinal), pushed.Clues.Select(Clues.JsonLinesClueSink.Format).Order(StringComparer.Ordinal));
        Assert.Equal(expected.DerivedRecordsPerDataset["paid_after_death"], actual.DerivedRecordsPerDataset["paid_after_death"]);
        Assert.Equal(0L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 're_stage_%' AND table_schema = current_schema()"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task AWindowThatDerives_ThenARuleOverItsRecords_GiveTheInProcessClues(SqlDialect dialect)
    {
        DatasetSchema payments = DatasetSchema.Create("payments").Add("person_id", FieldType.IdNumber).Add("paid_on", FieldType.Date).Add("amount", FieldType.Decimal).Key("person_id").Build();
        const string Heavy = "11010519491231002X";
        string paymentsCsv = "person_id,paid_on,amount\n"
            + $"{Heavy},2024-04-05,900\n513101198201130014,2024-03-05,700\n{Heavy},2024-01-05,900\n370101190102039973,2024-03-05,500\n"
            + $"{Heavy},2024-02-05,900.25\n370101190102039973,2024-04-05,500\n{Heavy},2024-03-05,900\n";
        RuleSet rules = new RuleSetBuilder().AddDataset(payments)
            .AddRule(new RuleDefinition("S1", "payments", "amount > 0")
            {
                Window = new WindowDefinition("person_id", "paid_on", 365, "count() >= 2"),
                Derive = new DeriveDefinition("totals", [new("person_id", "person_id"), new("payments", "count()"), new("total", "sum(amount)"), new("mean", "round(avg(amount), 2)"), new("latest", "max(paid_on)")]),
            })
            .AddRule(new RuleDefinition("R1", "totals", "total > 1000") { Clue = new ClueSpec { Title = "{payments} 次共 {total} 元", Evidence = ["payments", "total", "mean", "latest"] } })
            .Build();
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        RecordSource Payments() => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(paymentsCsv)), payments);
        await SqlTableLoader.LoadAsync(database.Connection, Payments(), "payments");
        var inProcess = new CollectingSink();
        var pushed = new CollectingSink();

        RunSummary expected = await rules.RunAsync([Payments()], inProcess);
        SqlPlan plan = SqlPlan.Create(rules, dialect, [new SqlTable("payments", "payments")]);
        Assert.Empty(plan.Diagnostics);
        RunSummary actual = await plan.RunAsync(database.Connection, pushed);

        Assert.Equal("4 次共 3600.25 元", Assert.Single(inProcess.Clues).Title);
        Assert.Equal(Clues.JsonLinesClueSink.Format(inProcess.Clues[0]), Clues.JsonLinesClueSink.Format(Assert.Single(pushed.Clues)));
        Assert.Equal((2L, 2L), (expected.DerivedRecordsPerDataset["totals"], actual.DerivedRecordsPerDataset["totals"]));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task AggregatingJoins_AndAWindowThatJoins_GiveTheInProcessClues(SqlDialect dialect)
    {
        DatasetSchema claims = DatasetSchema.Create("claims").Add("claim_no", FieldType.String).Add("person_id", FieldType.IdNumber).Add("claim_date", FieldType.Date).Add("amount", FieldType.Decimal).Key("claim_no").Build();
        DatasetSchema accidents = DatasetSchema.Create("accidents").Add("case_no", FieldType.CaseNo).Add("person_id", FieldType.IdNumber).Add("accident_date", FieldType.Date).Add("loss", FieldType.Decimal).Build();
        const string A = "11010519491231002X";
        const string B = "370101190102039973";
        const string C = "513101198201130014";
        string claimsCsv = "claim_no,person_id,claim_date,amount\n"
            + $"Y1,{A},2024-03-10,500.50\nY2,{B},2024-03-10,800\nY3,{C},2024-03-10,900\nY4,{A},2024-06-01,100\nY5,{A},2024-07-01,100\nY6,{A},2024-07-15,100\n";
        string accidentsCsv = "case_no,person_id,accident_date,loss\n"
            + $"（2024）京0105刑初1号,{A},2024-03-01,1000.25\n（2024）京0105刑初2号,{A},2024-02-01,\n（2024）京0105刑初3号,{B},2024-01-01,300\n（2024）京0105刑初4号,{A},2024-05-01,50\n";
        RuleSet rules = new RuleSetBuilder().AddDataset(claims).AddDataset(accidents)
            .AddRule(new RuleDefinition("NEAR", "claims", "a.nearest <= 60")
            {
                Joins = [new JoinDefinition("accidents", "a", JoinKind.Inner)
                {
                    On = [("person_id", "person_id")],
                    Where = "a.accident_date <= claim_date",
                    Aggregates = [new("n", "count()"), new("nearest", "min(days_between(a.accident_date, claim_date))"), new("numbers", "list(a.case_no)"), new("days", "list(a.accident_date)"), new("loss", "sum(a.loss)"), new("kinds", "count_distinct(year(a.accident_date))"), new("gap", "sum(days_between(a.accident_date, claim_date))"),
                        new("latest", "first(a.case_no ORDER BY a.accident_date DESC)"), new("dearest", "last(a.loss ORDER BY a.loss)"), new("by_date", "list(a.case_no ORDER BY a.accident_date DESC LIMIT 2)"),
                        new("first_in_file", "first(a.case_no)"), new("last_day", "last(a.accident_date)")],
                }],
                Clue = new ClueSpec { Title = "{claim_no}: {a.n}", Evidence = ["claim_no", "a.n", "a.nearest", "a.numbers", "a.days", "a.loss", "a.kinds", "a.gap", "a.latest", "a.dearest", "a.by_date", "a.first_in_file", "a.last_day"] },
            })
            .AddRule(new RuleDefinition("NONE", "claims", "a.n = 0 AND a.loss IS NULL AND array_length(a.numbers) = 0")
            {
                Joins = [new JoinDefinition("accidents", "a", JoinKind.Left) { On = [("person_id", "person_id")], Aggregates = [new("n", "count()"), new("loss", "sum(a.loss)"), new("numbers", "list(a.case_no)")] }],
            })
            .AddRule(new RuleDefinition("AFTER", "claims", "amount > 0")
            {
                Joins = [new JoinDefinition("accidents", "a", JoinKind.Inner) { On = [("person_id", "person_id")], Where = "claim_date > a.accident_date" }],
                Window = new WindowDefinition("person_id", "claim_date", 60, "count() >= 3"),
            })
            .Build();
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        RecordSource Claims() => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(claimsCsv)), claims);
        RecordSource Accidents() => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(accidentsCsv)), accidents);
        await SqlTableLoader.LoadAsync(database.Connection, Claims(), "claims");
        await SqlTableLoader.LoadAsync(database.Connection, Accidents(), "accidents");
        var inProcess = new CollectingSink();
        var pushed = new CollectingSink();

        await rules.RunAsync([Claims(), Accidents()], inProcess, new RunOptions { RevealPersonalData = true });
        SqlPlan plan = SqlPlan.Create(rules, dialect, [new SqlTable("claims", "claims"), new SqlTable("accidents", "accidents")]);
        Assert.Empty(plan.Diagnostics);
        await plan.RunAsync(database.Connection, pushed, new RunOptions { RevealPersonalData = true });

        Assert.Equal(["AFTER", "NEAR", "NEAR", "NONE"], inProcess.Clues.Select(c => c.RuleId).Order(StringComparer.Ordinal));
        Assert.Equal(inProcess.Clues.Select(Clues.JsonLinesClueSink.Format).Order(StringComparer.Ordinal), pushed.Clues.Select(Clues.JsonLinesClueSink.Format).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AggregatingJoin_ListOfDecimals_IsNotPushable_AtTheJoin()
    {
        DatasetSchema claims = DatasetSchema.Create("claims").Add("person_id", FieldType.IdNumber).Build();
        DatasetSchema accidents = DatasetSchema.Create("accidents").Add("person_id", FieldType.IdNumber).Add("loss", FieldType.Decimal).Build();
        RuleSet rules = new RuleSetBuilder().AddDataset(claims).AddDataset(accidents)
            .AddRule(new RuleDefinition("R", "claims", "TRUE") { Joins = [new JoinDefinition("accidents", "a", JoinKind.Inner) { On = [("person_id", "person_id")], Aggregates = [new("losses", "list(a.loss)")] }] })
            .Build();

        Diagnostic diagnostic = Assert.Single(SqlPlan.Create(rules, SqlDialect.DuckDb, [new SqlTable("claims", "claims"), new SqlTable("accidents", "accidents")]).Diagnostics);

        Assert.Equal(DiagnosticIds.NotPushable, diagnostic.Id);
        Assert.Contains("lists decimal values", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Join_EquallyInvalidIdNumbers_JoinNothing_AsInProcess(SqlDialect dialect)
    {
        DatasetSchema payments = DatasetSchema.Create("payments").Add("person_id", FieldType.IdNumber).Add("paid_on", FieldType.Date).Build();
        DatasetSchema deaths = DatasetSchema.Create("deaths").Add("person_id", FieldType.IdNumber).Add("died_on", FieldType.Date).Build();

        // 110105194912310021 fails its check (the valid number ends in 002X); both datasets hold it.
        const string Payments = "person_id,paid_on\n110105194912310021,2024-05-01\n11010519491231002X,2024-05-01\n";
        const string Deaths = "person_id,died_on\n110105194912310021,2024-01-01\n11010519491231002X,2024-01-01\n";
        RecordSource Open(string text, DatasetSchema schema) => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(text)), schema);
        foreach (bool keep in new[] { false, true })
        {
            RuleSet rules = new RuleSetBuilder().AddDataset(payments).AddDataset(deaths)
                .AddRule(new RuleDefinition("P", "payments", "paid_on > d.died_on")
                {
                    Joins = [new JoinDefinition("deaths", "d", JoinKind.Inner) { On = [("person_id", "person_id")] }],
                    Clue = new ClueSpec { SubjectKey = ["person_id"] },
                    KeepInvalidIdNumbers = keep,
                })
                .Build();
            var inProcess = new CollectingSink();
            await rules.RunAsync([Open(Payments, payments), Open(Deaths, deaths)], inProcess, new RunOptions { RevealPersonalData = true });

            await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
            await SqlTableLoader.LoadAsync(database.Connection, Open(Payments, payments), "payments");
            await SqlTableLoader.LoadAsync(database.Connection, Open(Deaths, deaths), "deaths");
            var pushedDown = new CollectingSink();
            await SqlPlan.Create(rules, dialect, [new SqlTable("payments", "payments"), new SqlTable("deaths", "deaths")])
                .RunAsync(database.Connection, pushedDown, new RunOptions { RevealPersonalData = true });

            Assert.Equal(keep ? 2 : 1, inProcess.Clues.Count);
            Assert.Equal(inProcess.Clues.Select(c => c.SubjectKey).Order(), pushedDown.Clues.Select(c => c.SubjectKey).Order());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task GroupOverTheWholeInput_GivesTheInProcessClues(SqlDialect dialect)
    {
        DatasetSchema suits = DatasetSchema.Create("suits").Add("plaintiff", FieldType.String).Add("defendant", FieldType.String).Add("amount", FieldType.Decimal).Build();
        var csv = new StringBuilder("plaintiff,defendant,amount\n");
        for (int i = 0; i < 60; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"P{i % 7},D{i % 5},{100 + (i * 37 % 900)}\n");
        }

        RecordSource Open() => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), suits);
        RuleSet rules = new RuleSetBuilder().AddDataset(suits)
            .AddRule(new RuleDefinition("G", "suits", "amount >= 200") { Window = new WindowDefinition("plaintiff", "count() >= 8 AND sum(amount) > 4000"), Clue = new ClueSpec { SubjectKey = ["plaintiff"] } })
            .Build();
        var inProcess = new CollectingSink();
        await rules.RunAsync(Open(), inProcess);

        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        await SqlTableLoader.LoadAsync(database.Connection, Open(), "suits");
        var pushedDown = new CollectingSink();
        await SqlPlan.Create(rules, dialect, [new SqlTable("suits", "suits")]).RunAsync(database.Connection, pushedDown);

        Assert.NotEmpty(inProcess.Clues);
        Assert.True(inProcess.Clues.Count < 7, $"Some plaintiffs should fall short; {inProcess.Clues.Count} did not.");
        Assert.Equal(inProcess.Clues.Select(Clues.JsonLinesClueSink.Format), pushedDown.Clues.Select(Clues.JsonLinesClueSink.Format));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task QueryThatFailsInTheDatabase_StopsWithRE7003_AndNoRowValue(SqlDialect dialect)
    {
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        await SqlTableLoader.LoadAsync(database.Connection, Source(), "cases");
        RuleSet rules = new RuleSetBuilder().AddDataset(Cases).AddRule(new RuleDefinition("CAST", "cases", "CAST(name AS INT) > 3")).Build();

        var error = await Assert.ThrowsAsync<SqlRunException>(() => SqlPlan.Create(rules, dialect, [new SqlTable("cases", "cases")]).RunAsync(database.Connection, new CollectingSink()));

        Assert.Equal(DiagnosticIds.SqlQueryFailed, error.Code);
        Assert.Contains("'CAST'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task ScriptThatFailsOnARow_IsThatRulesError_CountedAndDeadLettered(SqlDialect dialect)
    {
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        await SqlTableLoader.LoadAsync(database.Connection, Source(), "cases");
        RuleSet rules = new RuleSetBuilder().AddDataset(Cases).UseScriptCompiler(new Scripting.ScriptRuleCompiler())
            .AddRule(new RuleDefinition("S", "cases", "amount > 0") { Script = "return r.Amount!.Value / 0m > 1m;" })
            .Build();
        var letters = new DeadLetterList();
        var sink = new CollectingSink();

        RunSummary summary = await SqlPlan.Create(rules, dialect, [new SqlTable("cases", "cases")]).RunAsync(database.Connection, sink, new RunOptions { DeadLetters = letters });

        Assert.Empty(sink.Clues);
        Assert.Equal(2, summary.RuleErrors);
        Assert.Equal([(2L, "S", DiagnosticIds.DivisionByZero), (4L, "S", DiagnosticIds.DivisionByZero)], letters.Letters.Select(l => (l.Rejection.Line, l.Rejection.RuleId, l.Rejection.Code)));
    }

    private sealed class DeadLetterList : IDeadLetterSink
    {
        public List<DeadLetter> Letters { get; } = [];

        public ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken = default)
        {
            Letters.Add(letter);
            return ValueTask.CompletedTask;
        }
    }

    private static RecordSource Source() => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(Csv)), Cases);
}
