using System.Globalization;
using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>Joins (shapes A, B, D, F) and windows (shape C) in the core.</summary>
public class MultiSourceTests
{
    private static readonly DatasetSchema Cases = DatasetSchema.Create("cases")
        .Add("person_id", FieldType.IdNumber).Add("name", FieldType.String, PersonalDataKind.Name).Add("effective_date", FieldType.Date).Add("subtype", FieldType.String)
        .Key("person_id").Build();

    private static readonly DatasetSchema Licences = DatasetSchema.Create("licences")
        .Add("person_id", FieldType.String).Add("status", FieldType.String).Add("status_date", FieldType.Date)
        .Key("person_id").Build();

    private static readonly DatasetSchema Suits = DatasetSchema.Create("suits")
        .Add("plaintiff_id", FieldType.IdNumber).Add("case_no", FieldType.CaseNo).Add("filing_date", FieldType.Date).Add("amount", FieldType.Decimal).Add("defendant", FieldType.String)
        .Key("plaintiff_id").Build();

    private const string CasesCsv = "person_id,name,effective_date,subtype\n"
        + "11010519491231002X,张三,2024-03-18,醉酒驾驶\n"
        + "370101190102039973,李四,2024-03-18,醉酒驾驶\n"
        + "130503670401001,王五,2024-03-18,醉酒驾驶\n"
        + "513101198201130014,赵六,2024-03-18,醉酒驾驶\n";

    private const string LicencesCsv = "person_id,status,status_date\n"
        + "11010519491231002x,正常,2020-01-01\n"
        + "370101190102039973,吊销,2024-03-20\n"
        + "130503196704010016,正常,2019-05-05\n"
        + "130503196704010016,吊销,2024-06-30\n";

    [Theory]
    [InlineData("status_date")]
    [InlineData("lic.status_date")]
    public async Task InnerJoin_LatestMatch_FindsRegistryMismatchAcrossIdForms(string latestBy)
    {
        var join = new JoinDefinition("licences", "lic", JoinKind.Inner) { On = [("person_id", "person_id")], Match = JoinMatch.Latest, LatestBy = latestBy };
        var (clues, summary) = await Run(Rule("lic.status NOT IN ('吊销', '注销')", join) with { Clue = new ClueSpec { Title = "{name}：{lic.status}" } });
        Clue clue = Assert.Single(clues);
        Assert.Equal(("110105********002X", "张*：正常"), (clue.SubjectKey, clue.Title));
        Assert.Contains(clue.Evidence, e => e.Field == "lic.status" && (string?)e.Value == "正常" && e.Dataset == "licences" && e.Line == 2);
        Assert.Equal(4L, summary.ReferenceRecordsPerDataset["licences"]);
        Assert.Equal(8L, summary.RecordsRead);
    }

    [Fact]
    public async Task InnerJoin_AllMatches_GivesAClueForEachPairWithItsOwnFingerprint()
    {
        var join = new JoinDefinition("licences", "lic", JoinKind.Inner) { On = [("person_id", "person_id")], Match = JoinMatch.All };
        var (clues, _) = await Run(Rule("id_region(person_id) = '130503'", join));
        Assert.Equal(2, clues.Count);
        Assert.NotEqual(clues[0].Fingerprint, clues[1].Fingerprint);
    }

    [Fact]
    public async Task LeftJoin_WithoutMatch_SeesNullFields()
    {
        var join = new JoinDefinition("licences", "lic", JoinKind.Left) { On = [("person_id", "person_id")] };
        var (clues, _) = await Run(Rule("lic.status IS NULL", join));
        Assert.Equal("513101********0014", Assert.Single(clues).SubjectKey);
    }

    [Fact]
    public async Task NotExists_WithDeadlineWhere_FindsMissingFollowUp()
    {
        var join = new JoinDefinition("licences", "lic", JoinKind.NotExists)
        {
            On = [("person_id", "person_id")],
            Where = "lic.status = '吊销' AND days_between(effective_date, lic.status_date) BETWEEN 0 AND 30",
        };
        var (clues, _) = await Run(Rule("subtype = '醉酒驾驶'", join));
        Assert.Equal(["110105********002X", "130503********0016", "513101********0014"], clues.Select(c => c.SubjectKey));
    }

    [Fact]
    public async Task Exists_WithForbiddenWindow_FindsEventInsideIt()
    {
        var join = new JoinDefinition("licences", "lic", JoinKind.Exists)
        {
            On = [("person_id", "person_id")],
            Where = "lic.status = '吊销' AND lic.status_date > effective_date + 90",
        };
        var (clues, _) = await Run(Rule("TRUE", join));
        Assert.Equal("130503********0016", Assert.Single(clues).SubjectKey);
    }

    [Fact]
    public async Task Overlaps_BetweenIntervalsOfTwoSources_IsFound()
    {
        DatasetSchema stays = DatasetSchema.Create("stays").Add("person_id", FieldType.IdNumber).Add("checkin", FieldType.Date).Add("checkout", FieldType.Date).Key("person_id").Build();
        DatasetSchema leaves = DatasetSchema.Create("leaves").Add("person_id", FieldType.IdNumber).Add("start_date", FieldType.Date).Add("end_date", FieldType.Date).Build();
        var join = new JoinDefinition("leaves", "l", JoinKind.NotExists)
        {
            On = [("person_id", "person_id")],
            Where = "l.start_date <= checkin AND l.end_date >= checkout",
        };
        RuleSet rules = new RuleSetBuilder().AddDataset(stays).AddDataset(leaves)
            .AddRule(new RuleDefinition("M07", "stays", "TRUE") { Joins = [join] }).Build();
        string staysCsv = "person_id,checkin,checkout\n11010519491231002X,2024-05-01,2024-05-03\n11010519491231002X,2024-06-01,2024-06-02\n";
        string leavesCsv = "person_id,start_date,end_date\n11010519491231002X,2024-04-30,2024-05-05\n";
        var sink = new CollectingSink();
        await rules.RunAsync([Csv(staysCsv, stays), Csv(leavesCsv, leaves)], sink);
        Assert.Equal([3L], sink.Clues.Select(c => c.Line));
    }

    [Fact]
    public async Task Join_ReferenceMissingFromSources_IsAnArgumentError()
    {
        var join = new JoinDefinition("licences", "lic", JoinKind.Inner) { On = [("person_id", "person_id")] };
        RuleSet rules = Build(Rule("TRUE", join));
        await Assert.ThrowsAsync<ArgumentException>(() => rules.RunAsync(Csv(CasesCsv, Cases), new CollectingSink()));
    }

    [Fact]
    public async Task Join_ReferenceOverTheLimit_StopsWithAClearError()
    {
        var join = new JoinDefinition("licences", "lic", JoinKind.Inner) { On = [("person_id", "person_id")] };
        RuleSet rules = Build(Rule("TRUE", join));
        var error = await Assert.ThrowsAsync<RunLimitExceededException>(() => rules.RunAsync([Csv(CasesCsv, Cases), Csv(LicencesCsv, Licences)], new CollectingSink(), new RunOptions { MaxReferenceRecords = 3 }));
        Assert.Equal(DiagnosticIds.ReferenceLimitExceeded, error.Code);
        Assert.NotNull(error.Summary);
    }

    [Theory]
    [InlineData("lic.statu = '正常'", DiagnosticIds.UnknownField)]
    [InlineData("status = '正常'", DiagnosticIds.UnknownField)]
    [InlineData("x.status = '正常'", DiagnosticIds.UnknownAlias)]
    public void Join_ConditionNames_AreCheckedAgainstEachSource(string condition, string code)
    {
        var join = new JoinDefinition("licences", "lic", JoinKind.Inner) { On = [("person_id", "person_id")] };
        var error = Assert.Throws<RuleCompilationException>(() => Build(Rule(condition, join)));
        Assert.Equal(code, error.Diagnostics[0].Id);
        if (condition.StartsWith("status", StringComparison.Ordinal))
        {
            Assert.Equal("Joined fields are qualified: lic.status.", error.Diagnostics[0].Hint);
        }
    }

    [Fact]
    public void Join_BadDefinition_IsReported()
    {
        var noKey = new JoinDefinition("licences", "lic", JoinKind.Inner);
        var unknown = new JoinDefinition("licence", "lic", JoinKind.Inner) { On = [("person_id", "person_id")] };
        var latest = new JoinDefinition("licences", "lic", JoinKind.Inner) { On = [("person_id", "person_id")], Match = JoinMatch.Latest, LatestBy = "nope" };
        Assert.Equal(DiagnosticIds.InvalidRule, Assert.Throws<RuleCompilationException>(() => Build(Rule("TRUE", noKey))).Diagnostics[0].Id);
        Assert.Equal(DiagnosticIds.UnknownDataset, Assert.Throws<RuleCompilationException>(() => Build(Rule("TRUE", unknown))).Diagnostics[0].Id);
        Assert.Equal(DiagnosticIds.InvalidRule, Assert.Throws<RuleCompilationException>(() => Build(Rule("TRUE", latest))).Diagnostics[0].Id);
    }

    [Theory]
    [InlineData(730, 1)]
    [InlineData(729, 0)]
    public async Task Window_CountInRollingDays_FiresOnDayBoundary(int days, int expectedClues)
    {
        // Ten suits: the first on 2022-01-01, the tenth exactly 730 days later.
        var csv = new StringBuilder("plaintiff_id,case_no,filing_date,amount,defendant\n");
        DateOnly start = new(2022, 1, 1);
        for (int i = 0; i < 10; i++)
        {
            DateOnly date = i == 9 ? start.AddDays(730) : start.AddDays(i * 10);
            csv.Append(CultureInfo.InvariantCulture, $"11010519491231002X,（2022）浙0624民初{i + 1}号,{date:yyyy-MM-dd},1000,D{i % 3}\n");
        }

        var (clues, summary) = await RunWindow(csv.ToString(), new WindowDefinition("plaintiff_id", "filing_date", days, "count() >= 10"));
        Assert.Equal(expectedClues, clues.Count);
        Assert.True(summary.PeakWindowStatePerRule["W"] >= 9);
    }

    [Fact]
    public async Task Window_Episode_IsOneClueWithMembersAggregatesAndCap()
    {
        var csv = new StringBuilder("plaintiff_id,case_no,filing_date,amount,defendant\n");
        for (int i = 0; i < 12; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"11010519491231002X,（2023）浙0624民初{i + 1}号,2023-01-{i + 1:00},{1000 + i},D{i % 4}\n");
        }

        csv.Append("370101190102039973,（2023）浙0624民初99号,2023-02-01,5,X\n");
        var window = new WindowDefinition("plaintiff_id", "filing_date", 730, "count() >= 10 AND count_distinct(defendant) >= 3 AND sum(amount) > 10000") { MaxEvidence = 5 };
        var (clues, _) = await RunWindow(csv.ToString(), window);

        Clue clue = Assert.Single(clues);
        Assert.Equal("110105********002X", clue.SubjectKey);
        Assert.Equal(12L, clue.Evidence.Single(e => e.Field == "count()").Value);
        Assert.Equal(4L, clue.Evidence.Single(e => e.Field == "count_distinct(defendant)").Value);
        Assert.Equal(12066m, clue.Evidence.Single(e => e.Field == "sum(amount)").Value);
        Assert.Equal(12L, clue.Evidence.Single(e => e.Field == "members").Value);
        Assert.Equal(5, clue.Evidence.Count(e => e.Field == "filing_date"));
        Assert.Equal(new DateOnly(2023, 1, 1), clue.Evidence.Single(e => e.Field == "episode_start").Value);
    }

    [Fact]
    public async Task Window_TwoEpisodesSeparatedByAQuietSpell_AreTwoClues()
    {
        var csv = new StringBuilder("plaintiff_id,case_no,filing_date,amount,defendant\n");
        foreach (int year in new[] { 2015, 2020 })
        {
            for (int i = 0; i < 3; i++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"11010519491231002X,A{year}{i},{year}-03-0{i + 1},1,D\n");
            }
        }

        var (clues, _) = await RunWindow(csv.ToString(), new WindowDefinition("plaintiff_id", "filing_date", 30, "count() >= 3"));
        Assert.Equal(2, clues.Count);
        Assert.NotEqual(clues[0].Fingerprint, clues[1].Fingerprint);
    }

    [Fact]
    public async Task Window_InputGroupedByKey_IsCountedExactly()
    {
        string csv = "plaintiff_id,case_no,filing_date,amount,defendant\n"
            + "11010519491231002X,A1,2024-06-01,1,D\n11010519491231002X,A2,2024-06-02,1,D\n11010519491231002X,A3,2024-06-03,1,D\n"
            + "370101190102039973,B1,2023-01-01,1,D\n370101190102039973,B2,2023-01-02,1,D\n370101190102039973,B3,2023-01-03,1,D\n";
        var (clues, summary) = await RunWindow(csv, new WindowDefinition("plaintiff_id", "filing_date", 30, "count() >= 3"));
        Assert.Equal(2, clues.Count);
        Assert.Empty(summary.Rejections);
    }

    [Fact]
    public async Task Window_InputGroupedByKey_InArrivalOrder_IsCountedExactlyWithEnoughLateness()
    {
        string csv = "plaintiff_id,case_no,filing_date,amount,defendant\n"
            + "11010519491231002X,A1,2024-06-01,1,D\n11010519491231002X,A2,2024-06-02,1,D\n11010519491231002X,A3,2024-06-03,1,D\n"
            + "370101190102039973,B1,2023-01-01,1,D\n370101190102039973,B2,2023-01-02,1,D\n370101190102039973,B3,2023-01-03,1,D\n";
        var (clues, summary) = await RunWindow(csv, new WindowDefinition("plaintiff_id", "filing_date", 30, "count() >= 3"), new RunOptions { WindowOrder = WindowOrder.Arrival, WindowLatenessDays = 3650 });
        Assert.Equal(2, clues.Count);
        Assert.Empty(summary.Rejections);
    }

    [Fact]
    public async Task Window_RecordBeforeItsKeysWindow_InArrivalOrder_IsReportedAsLate()
    {
        string csv = "plaintiff_id,case_no,filing_date,amount,defendant\n11010519491231002X,A1,2024-06-01,1,D\n11010519491231002X,A2,2024-01-01,1,D\n";
        var (_, summary) = await RunWindow(csv, new WindowDefinition("plaintiff_id", "filing_date", 30, "count() >= 3"), new RunOptions { WindowOrder = WindowOrder.Arrival });
        RecordRejection late = Assert.Single(summary.Rejections);
        Assert.Equal((DiagnosticIds.LateRecord, 3L, "W"), (late.Code, late.Line, late.RuleId));
        Assert.Equal(1L, summary.RuleErrors);
    }

    [Fact]
    public async Task Window_RecordForAKeyAlreadyClosed_InArrivalOrder_IsReportedAsLateNotMiscounted()
    {
        string csv = "plaintiff_id,case_no,filing_date,amount,defendant\n"
            + "11010519491231002X,A1,2024-01-01,1,D\n"
            + "370101190102039973,B1,2024-06-01,1,D\n"
            + "11010519491231002X,A2,2024-01-15,1,D\n"
            + "11010519491231002X,A3,2024-09-01,1,D\n";
        var (_, summary) = await RunWindow(csv, new WindowDefinition("plaintiff_id", "filing_date", 30, "count() >= 3"), new RunOptions { WindowOrder = WindowOrder.Arrival, WindowLatenessDays = 31 });
        Assert.Equal([4L], summary.Rejections.Select(r => r.Line));
    }

    [Fact]
    public async Task Window_StateOverTheLimit_StopsWithAClearError()
    {
        var csv = new StringBuilder("plaintiff_id,case_no,filing_date,amount,defendant\n");
        for (int i = 0; i < 50; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"11010519491231002X,A{i},2024-01-01,1,D\n");
        }

        var error = await Assert.ThrowsAsync<RunLimitExceededException>(() => RunWindow(csv.ToString(), new WindowDefinition("plaintiff_id", "filing_date", 30, "count() >= 100"), new RunOptions { MaxWindowState = 20 }));
        Assert.Equal(DiagnosticIds.WindowStateLimitExceeded, error.Code);
    }

    [Fact]
    public async Task Window_SameOutputAtAnyParallelism()
    {
        var csv = new StringBuilder("plaintiff_id,case_no,filing_date,amount,defendant\n");
        var random = new Random(11);
        string[] people = ["11010519491231002X", "370101190102039973", "513101198201130014", "34052419800101001X"];
        DateOnly day = new(2020, 1, 1);
        for (int i = 0; i < 5_000; i++)
        {
            day = day.AddDays(random.Next(0, 2));
            csv.Append(CultureInfo.InvariantCulture, $"{people[random.Next(people.Length)]},A{i},{day:yyyy-MM-dd},{random.Next(1, 100)},D{random.Next(5)}\n");
        }

        var window = new WindowDefinition("plaintiff_id", "filing_date", 10, "count() >= 7");
        var (one, _) = await RunWindow(csv.ToString(), window, new RunOptions { MaxDegreeOfParallelism = 1 });
        var (many, _) = await RunWindow(csv.ToString(), window, new RunOptions { MaxDegreeOfParallelism = 4, BatchSize = 13 });
        Assert.NotEmpty(one);
        Assert.Equal(one.Select(JsonLinesClueSink.Format), many.Select(JsonLinesClueSink.Format));
    }

    [Theory]
    [InlineData("amount > 1", DiagnosticIds.UnknownField)]
    [InlineData("sum(defendant) > 1", DiagnosticIds.TypeMismatch)]
    [InlineData("count(amount) > 1", DiagnosticIds.WrongArgumentCount)]
    [InlineData("max(nope) > 1", DiagnosticIds.UnknownField)]
    public void Window_BadHaving_IsReported(string having, string code)
    {
        var error = Assert.Throws<RuleCompilationException>(() => new RuleSetBuilder().AddDataset(Suits)
            .AddRule(new RuleDefinition("W", "suits", "TRUE") { Window = new WindowDefinition("plaintiff_id", "filing_date", 30, having) }).Build());
        Assert.Equal(code, error.Diagnostics[0].Id);
    }

    private static RuleDefinition Rule(string condition, params JoinDefinition[] joins) => new("M02", "cases", condition) { Joins = joins };

    private static RuleSet Build(RuleDefinition rule) => new RuleSetBuilder().AddDataset(Cases).AddDataset(Licences).AddRule(rule).Build();

    private static async Task<(List<Clue> Clues, RunSummary Summary)> Run(RuleDefinition rule)
    {
        var sink = new CollectingSink();
        RunSummary summary = await Build(rule).RunAsync([Csv(CasesCsv, Cases), Csv(LicencesCsv, Licences)], sink);
        return (sink.Clues, summary);
    }

    private static async Task<(List<Clue> Clues, RunSummary Summary)> RunWindow(string csv, WindowDefinition window, RunOptions? options = null)
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Suits).AddRule(new RuleDefinition("W", "suits", "amount > 0") { Window = window }).Build();
        var sink = new CollectingSink();
        RunSummary summary = await rules.RunAsync(Csv(csv, Suits), sink, options);
        return (sink.Clues, summary);
    }

    private static RecordSource Csv(string text, DatasetSchema schema) => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(text)), schema);

    [Fact]
    public async Task Overlaps_ManyIntervalsPerKey_IndexedScanFindsTheSameMatchesAsAFullScan()
    {
        DatasetSchema stays = DatasetSchema.Create("stays").Add("person_id", FieldType.IdNumber).Add("checkin", FieldType.Date).Add("checkout", FieldType.Date).Key("person_id").Build();
        DatasetSchema leaves = DatasetSchema.Create("leaves").Add("person_id", FieldType.IdNumber).Add("start_date", FieldType.Date).Add("end_date", FieldType.Date).Build();
        var random = new Random(5);
        string[] people = ["11010519491231002X", "370101190102039973", "513101198201130014"];
        var staysCsv = new StringBuilder("person_id,checkin,checkout\n");
        var leavesCsv = new StringBuilder("person_id,start_date,end_date\n");
        DateOnly origin = new(2024, 1, 1);
        for (int i = 0; i < 600; i++)
        {
            DateOnly stay = origin.AddDays(random.Next(0, 700));
            staysCsv.Append(CultureInfo.InvariantCulture, $"{people[random.Next(3)]},{stay:yyyy-MM-dd},{stay.AddDays(random.Next(0, 4)):yyyy-MM-dd}\n");
            DateOnly leave = origin.AddDays(random.Next(0, 700));
            string end = random.Next(10) == 0 ? string.Empty : leave.AddDays(random.Next(0, 6)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            leavesCsv.Append(CultureInfo.InvariantCulture, $"{people[random.Next(3)]},{(random.Next(15) == 0 ? string.Empty : leave.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))},{end}\n");
        }

        async Task<List<string>> Run(string where, JoinKind kind)
        {
            RuleSet rules = new RuleSetBuilder().AddDataset(stays).AddDataset(leaves)
                .AddRule(new RuleDefinition("F", "stays", "TRUE") { Joins = [new JoinDefinition("leaves", "l", kind) { On = [("person_id", "person_id")], Where = where, Match = JoinMatch.All }] }).Build();
            var sink = new CollectingSink();
            await rules.RunAsync([Csv(staysCsv.ToString(), stays), Csv(leavesCsv.ToString(), leaves)], sink);
            return [.. sink.Clues.Select(c => c.Fingerprint).Order(StringComparer.Ordinal)];
        }

        foreach (JoinKind kind in new[] { JoinKind.Inner, JoinKind.NotExists })
        {
            List<string> indexed = await Run("overlaps(checkin, checkout, l.start_date, l.end_date)", kind);
            List<string> scanned = await Run("l.start_date <= checkout AND l.end_date >= checkin", kind);
            Assert.NotEmpty(indexed);
            Assert.Equal(scanned, indexed);
        }
    }
}
