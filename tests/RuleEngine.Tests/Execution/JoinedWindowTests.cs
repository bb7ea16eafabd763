using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>A rule that joins and counts in a window: the join decides which records count, the window counts them per key.</summary>
public class JoinedWindowTests
{
    private const string Alive = "370101190102039973";
    private const string Dead = "11010519491231002X";
    private const string DeadTwice = "513101198201130014";

    private static readonly DatasetSchema Payments = DatasetSchema.Create("payments")
        .Add("person_id", FieldType.IdNumber).Add("paid_on", FieldType.Date).Add("amount", FieldType.Decimal).Key("person_id").Build();

    private static readonly DatasetSchema Deaths = DatasetSchema.Create("deaths")
        .Add("person_id", FieldType.IdNumber).Add("death_date", FieldType.Date).Key("person_id").Build();

    private static readonly JoinDefinition Death = new("deaths", "d", JoinKind.Inner) { On = [("person_id", "person_id")], Where = "paid_on > d.death_date" };

    // Dead: four monthly payments, three after death. DeadTwice: two after death (below the count). Alive: five, never dead.
    private const string PaymentsCsv = "person_id,paid_on,amount\n"
        + $"{Dead},2024-01-05,800\n{Dead},2024-02-05,800\n{Dead},2024-03-05,800\n{Dead},2024-04-05,800\n"
        + $"{DeadTwice},2024-03-05,600\n{DeadTwice},2024-04-05,600\n"
        + $"{Alive},2024-01-05,700\n{Alive},2024-02-05,700\n{Alive},2024-03-05,700\n{Alive},2024-04-05,700\n{Alive},2024-05-05,700\n";

    private const string DeathsCsv = "person_id,death_date\n"
        + $"{Dead},2024-01-20\n{DeadTwice},2024-02-01\n";

    [Fact]
    public async Task JoinedWindow_CountsOnlyTheRecordsTheJoinLetsThrough()
    {
        var (clues, summary) = await Run(new WindowDefinition("person_id", "paid_on", 365, "count() >= 3 AND sum(amount) >= 2400"));

        Clue clue = Assert.Single(clues);
        Assert.Equal(Dead, clue.SubjectKey);
        Assert.Equal(3L, clue.Evidence.Single(e => e.Field == "count()").Value);
        Assert.Equal(2400m, clue.Evidence.Single(e => e.Field == "sum(amount)").Value);
        Assert.Equal(new DateOnly(2024, 2, 5), clue.Evidence.Single(e => e.Field == "episode_start").Value);
        Assert.Equal([3L, 4L, 5L], clue.Evidence.Where(e => e.Field == "paid_on").Select(e => e.Line));
        Assert.Equal(0, summary.RuleErrors);
    }

    [Fact]
    public async Task JoinedWindow_ManyMatchesOfOneRecord_CountItOnce()
    {
        string deaths = DeathsCsv + $"{Dead},2024-01-21\n{Dead},2024-01-22\n";
        var (clues, _) = await Run(new WindowDefinition("person_id", "paid_on", 365, "count() >= 3"), deaths, JoinMatch.All);

        Assert.Equal(3L, Assert.Single(clues).Evidence.Single(e => e.Field == "count()").Value);
    }

    [Fact]
    public void JoinedWindow_ClueThatShowsAJoinedField_IsReported()
    {
        var rule = new RuleDefinition("W", "payments", "TRUE")
        {
            Joins = [Death],
            Window = new WindowDefinition("person_id", "paid_on", 365, "count() >= 3"),
            Clue = new ClueSpec { Evidence = ["paid_on", "d.death_date"] },
        };

        var error = Assert.Throws<RuleCompilationException>(() => new RuleSetBuilder().AddDataset(Payments).AddDataset(Deaths).AddRule(rule).Build());
        Diagnostic diagnostic = Assert.Single(error.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticIds.InvalidRule, diagnostic.Id);
        Assert.Contains("'d.death_date'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JoinedWindow_Explain_SaysTheRecordCounts()
    {
        RuleSet rules = Build(new WindowDefinition("person_id", "paid_on", 365, "count() >= 3"), JoinMatch.Any);
        RecordExplanation explanation = await rules.ExplainAsync(Csv(PaymentsCsv, Payments), 3, [Csv(DeathsCsv, Deaths)]);

        Assert.Equal(RuleVerdict.CountsInWindow, Assert.Single(explanation.Rules).Verdict);
    }

    private static RuleSet Build(WindowDefinition window, JoinMatch match) => new RuleSetBuilder().AddDataset(Payments).AddDataset(Deaths)
        .AddRule(new RuleDefinition("W", "payments", "amount > 0") { Joins = [Death with { Match = match }], Window = window })
        .Build();

    private static async Task<(List<Clue> Clues, RunSummary Summary)> Run(WindowDefinition window, string deaths = DeathsCsv, JoinMatch match = JoinMatch.Any)
    {
        var sink = new CollectingSink();
        RunSummary summary = await Build(window, match).RunAsync([Csv(PaymentsCsv, Payments), Csv(deaths, Deaths)], sink, new RunOptions { RevealPersonalData = true });
        return (sink.Clues, summary);
    }

    private static RecordSource Csv(string text, DatasetSchema schema) => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(text)), schema);
}
