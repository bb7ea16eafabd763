using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>
/// An ID number that fails its check identifies no one: it joins nothing, is counted in no window, names no subject,
/// and is a field warning in every dataset, references included — unless a rule asks to keep such numbers.
/// </summary>
public class IdentityTests
{
    // 110105194912310021 has a wrong check character (the valid number ends in 002X); 37010119010203997X likewise.
    private const string Invalid = "110105194912310021";
    private const string OtherInvalid = "37010119010203997X";
    private const string Valid = "11010519491231002X";

    private static readonly DatasetSchema Deaths = DatasetSchema.Create("deaths")
        .Add("person_id", FieldType.IdNumber).Add("death_date", FieldType.Date).Key("person_id").Build();

    private static readonly DatasetSchema Payments = DatasetSchema.Create("payments")
        .Add("person_id", FieldType.IdNumber).Add("paid_on", FieldType.Date).Add("amount", FieldType.Decimal).Key("person_id").Build();

    private static readonly JoinDefinition Death = new("deaths", "d", JoinKind.Inner) { On = [("person_id", "person_id")] };

    [Fact]
    public async Task Join_TwoEquallyInvalidIdNumbers_DoNotJoin()
    {
        var (clues, _) = await RunPensions(
            $"person_id,paid_on,amount\n{Invalid},2024-05-01,800\n{Valid},2024-05-01,800\n",
            $"person_id,death_date\n{Invalid},2024-01-01\n{Valid},2024-01-01\n");

        Clue clue = Assert.Single(clues);
        Assert.Equal(Valid, clue.SubjectKey);
    }

    [Fact]
    public async Task Join_RuleThatKeepsInvalidIdNumbers_JoinsThemByText()
    {
        var (clues, _) = await RunPensions(
            $"person_id,paid_on,amount\n{Invalid},2024-05-01,800\n",
            $"person_id,death_date\n{Invalid},2024-01-01\n",
            keepInvalid: true);

        Assert.Equal(Invalid, Assert.Single(clues).SubjectKey);
    }

    [Fact]
    public async Task InvalidIdNumbers_AreFieldWarningsInEveryDataset_ReferencesIncluded()
    {
        var (_, summary) = await RunPensions(
            $"person_id,paid_on,amount\n{Invalid},2024-05-01,800\n",
            $"person_id,death_date\n{Valid},2024-01-01\n{OtherInvalid},2024-01-01\n");

        Assert.Equal(2, summary.FieldWarnings);
        Assert.Equal(
            [("deaths", 3L, "person_id"), ("payments", 2L, "person_id")],
            summary.Rejections.Select(r => (r.Dataset, r.Line, r.Field)).Order());
        Assert.All(summary.Rejections, r => Assert.Equal((DiagnosticIds.InvalidIdNumber, true), (r.Code, r.IsWarning)));
        Assert.Equal(0, summary.RecordsRejected);
    }

    [Fact]
    public async Task InvalidIdNumberInAReference_IsRejectedWhenTheRunRejectsThem()
    {
        var (_, summary) = await RunPensions(
            $"person_id,paid_on,amount\n{Valid},2024-05-01,800\n",
            $"person_id,death_date\n{OtherInvalid},2024-01-01\n{Valid},2024-01-01\n",
            options: new RunOptions { RejectInvalidIdNumbers = true });

        Assert.Equal(1, summary.RecordsRejected);
        Assert.Equal(1L, summary.ReferenceRecordsPerDataset["deaths"]);
    }

    [Fact]
    public async Task ReferenceThatIsAlsoEvaluated_ReportsEachWarningOnce()
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Payments).AddDataset(Deaths)
            .AddRule(new RuleDefinition("P", "payments", "paid_on > d.death_date") { Joins = [Death] })
            .AddRule(new RuleDefinition("D", "deaths", "death_date > DATE '2030-01-01'"))
            .Build();
        var sink = new CollectingSink();
        RunSummary summary = await rules.RunAsync(
            [Csv($"person_id,paid_on,amount\n{Valid},2024-05-01,800\n", Payments), Csv($"person_id,death_date\n{OtherInvalid},2024-01-01\n", Deaths)],
            sink);

        Assert.Equal(1, summary.FieldWarnings);
    }

    [Fact]
    public async Task Window_InvalidIdNumbers_AreCountedInNoWindow()
    {
        string csv = "person_id,paid_on,amount\n" + string.Concat(Enumerable.Repeat($"{Invalid},2024-05-01,800\n", 3));
        var window = new WindowDefinition("person_id", "paid_on", 30, "count() >= 3");

        var (dropped, summary) = await RunPayments(csv, new RuleDefinition("W", "payments", "TRUE") { Window = window });
        var (kept, _) = await RunPayments(csv, new RuleDefinition("W", "payments", "TRUE") { Window = window, KeepInvalidIdNumbers = true });

        Assert.Empty(dropped);
        Assert.Equal(3, summary.FieldWarnings);
        Assert.Equal(Invalid, Assert.Single(kept).SubjectKey);
    }

    [Fact]
    public async Task Subject_InvalidIdNumber_IsEmptyAndEachRecordIsItsOwnClue()
    {
        string csv = $"person_id,paid_on,amount\n{Invalid},2024-05-01,800\n{Invalid},2024-05-02,800\n";

        var (clues, summary) = await RunPayments(csv, new RuleDefinition("R", "payments", "amount > 0"));

        Assert.Equal(["", ""], clues.Select(c => c.SubjectKey));
        Assert.NotEqual(clues[0].Fingerprint, clues[1].Fingerprint);
        Assert.Equal(0, summary.RepeatedClues);
        Assert.Contains(clues[0].Evidence, e => e.Field == "person_id" && e.Value is string);
    }

    [Fact]
    public async Task Subject_IsNormalisedAlikeForRecordRulesAndWindowRules()
    {
        DatasetSchema suits = DatasetSchema.Create("suits").Add("plaintiff", FieldType.String).Add("filed_on", FieldType.Date).Key("plaintiff").Build();
        string csv = "plaintiff,filed_on\n\" ａｂｃ公司 \",2024-05-01\n";
        RuleSet rules = new RuleSetBuilder().AddDataset(suits)
            .AddRule(new RuleDefinition("R", "suits", "TRUE"))
            .AddRule(new RuleDefinition("W", "suits", "TRUE") { Window = new WindowDefinition("plaintiff", "filed_on", 30, "count() >= 1") })
            .Build();
        var sink = new CollectingSink();
        await rules.RunAsync(Csv(csv, suits), sink, new RunOptions { RevealPersonalData = true });

        Assert.Equal(["ABC公司", "ABC公司"], sink.Clues.Select(c => c.SubjectKey));
    }

    [Fact]
    public async Task Subject_CaseNumber_KeepsItsCanonicalFormInEveryRuleKind()
    {
        DatasetSchema cases = DatasetSchema.Create("cases").Add("case_no", FieldType.CaseNo).Add("filed_on", FieldType.Date).Key("case_no").Build();
        string csv = "case_no,filed_on\n(2024)京0105民初2号,2024-05-01\n";
        RuleSet rules = new RuleSetBuilder().AddDataset(cases)
            .AddRule(new RuleDefinition("R", "cases", "TRUE"))
            .AddRule(new RuleDefinition("W", "cases", "TRUE") { Window = new WindowDefinition("case_no", "filed_on", 30, "count() >= 1") })
            .Build();
        var sink = new CollectingSink();
        await rules.RunAsync(Csv(csv, cases), sink);

        Assert.Equal(["（2024）京0105民初2号", "（2024）京0105民初2号"], sink.Clues.Select(c => c.SubjectKey));
    }

    private static async Task<(List<Clue> Clues, RunSummary Summary)> RunPensions(string payments, string deaths, bool keepInvalid = false, RunOptions? options = null)
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Payments).AddDataset(Deaths)
            .AddRule(new RuleDefinition("P", "payments", "paid_on > d.death_date") { Joins = [Death], KeepInvalidIdNumbers = keepInvalid })
            .Build();
        var sink = new CollectingSink();
        RunSummary summary = await rules.RunAsync([Csv(payments, Payments), Csv(deaths, Deaths)], sink, (options ?? new RunOptions()) with { RevealPersonalData = true });
        return (sink.Clues, summary);
    }

    private static async Task<(List<Clue> Clues, RunSummary Summary)> RunPayments(string csv, RuleDefinition rule)
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Payments).AddRule(rule).Build();
        var sink = new CollectingSink();
        RunSummary summary = await rules.RunAsync(Csv(csv, Payments), sink, new RunOptions { RevealPersonalData = true });
        return (sink.Clues, summary);
    }

    private static RecordSource Csv(string text, DatasetSchema schema) => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(text)), schema);
}
