using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>Multi-stage models: a rule derives a dataset, other rules read it or join it, in one run.</summary>
public class DerivedDatasetTests
{
    private const string Heavy = "11010519491231002X";
    private const string Light = "370101190102039973";
    private const string Living = "513101198201130014";

    private static readonly DatasetSchema Payments = DatasetSchema.Create("payments")
        .Add("person_id", FieldType.IdNumber).Add("paid_on", FieldType.Date).Add("amount", FieldType.Decimal).Key("person_id").Build();

    private static readonly DatasetSchema Deaths = DatasetSchema.Create("deaths")
        .Add("person_id", FieldType.IdNumber).Add("death_date", FieldType.Date).Key("person_id").Build();

    // Heavy: 3 × 900 after death (2,700), one before. Light: 2 × 500 after death. Living: paid, never dead.
    private const string PaymentsCsv = "person_id,paid_on,amount\n"
        + $"{Heavy},2024-04-05,900\n{Living},2024-03-05,700\n{Heavy},2024-01-05,900\n{Light},2024-03-05,500\n"
        + $"{Heavy},2024-02-05,900\n{Light},2024-04-05,500\n{Heavy},2024-03-05,900\n";

    private const string DeathsCsv = "person_id,death_date\n" + $"{Heavy},2024-01-20\n{Light},2024-02-01\n";

    private static readonly RuleDefinition PaidAfterDeath = new("S1", "payments", "paid_on > d.death_date")
    {
        Joins = [new JoinDefinition("deaths", "d", JoinKind.Inner) { On = [("person_id", "person_id")] }],
        Derive = new DeriveDefinition("paid_after_death", [new("person_id", "person_id"), new("paid_on", "paid_on"), new("amount", "amount"), new("days_after", "days_between(d.death_date, paid_on)")]),
    };

    private static readonly RuleDefinition SumPerPerson = new("R1", "paid_after_death", "TRUE")
    {
        Window = new WindowDefinition("person_id", "sum(amount) > 2000"),
        Clue = new ClueSpec { Evidence = ["paid_on", "amount", "days_after"] },
    };

    private static readonly RuleDefinition DeriveDead = new("S1", "deaths", "TRUE")
    {
        Derive = new DeriveDefinition("dead", [new("person_id", "person_id"), new("died", "death_date")]),
    };

    private static readonly RuleDefinition PaidAfterDead = new("R1", "payments", "paid_on > x.died")
    {
        Joins = [new JoinDefinition("dead", "x", JoinKind.Inner) { On = [("person_id", "person_id")] }],
    };

    [Fact]
    public async Task TwoStages_JoinThenGroup_GiveTheCluesOfOneRun()
    {
        var (clues, summary) = await Run([PaidAfterDeath, SumPerPerson], Csv(PaymentsCsv, Payments), Csv(DeathsCsv, Deaths));

        Clue clue = Assert.Single(clues);
        Assert.Equal(("R1", Heavy, "paid_after_death"), (clue.RuleId, clue.SubjectKey, clue.Dataset));
        Assert.Equal(2700m, clue.Evidence.Single(e => e.Field == "sum(amount)").Value);
        Assert.Equal([2L, 6L, 8L], clue.Evidence.Where(e => e.Field == "amount").Select(e => e.Line));
        Assert.Contains(clue.Evidence, e => e.Field == "days_after" && (long?)e.Value == 16L);
        Assert.Equal(5L, summary.DerivedRecordsPerDataset["paid_after_death"]);
        Assert.Equal(9L, summary.RecordsRead);
        Assert.Equal(1L, summary.CluesEmitted);
    }

    [Fact]
    public async Task AWindowThatDerives_GivesTheNextStageARecordPerEpisode_KeyedByTheGroup()
    {
        // Stage 2 counts and sums each person's payments after death into one record; stage 3 tests the totals.
        RuleDefinition totals = new("S2", "paid_after_death", "TRUE")
        {
            Window = new WindowDefinition("person_id", "count() >= 2"),
            Derive = new DeriveDefinition("totals", [new("person_id", "person_id"), new("payments", "count()"), new("total", "sum(amount)"), new("mean", "avg(amount)"), new("latest", "max(paid_on)")]),
        };
        RuleDefinition large = new("R1", "totals", "total > 2000") { Clue = new ClueSpec { Title = "{payments} 次共 {total} 元", Evidence = ["payments", "total", "mean", "latest"] } };

        var (clues, summary) = await Run([PaidAfterDeath, totals, large], Csv(PaymentsCsv, Payments), Csv(DeathsCsv, Deaths));

        Clue clue = Assert.Single(clues);
        Assert.Equal(("R1", Heavy, "totals", "3 次共 2700 元"), (clue.RuleId, clue.SubjectKey, clue.Dataset, clue.Title));
        Assert.Equal([3L, 2700m, 900m, new DateOnly(2024, 4, 5)], clue.Evidence.Select(e => e.Value));
        Assert.Equal(2L, clue.Line); // the line of the episode's first record (Heavy's February payment)
        Assert.Equal(2L, summary.DerivedRecordsPerDataset["totals"]);
    }

    [Fact]
    public void AWindowThatDerives_AFieldOutsideAnAggregate_IsReportedOnce_AtIt()
    {
        RuleDefinition totals = new("S2", "paid_after_death", "TRUE")
        {
            Window = new WindowDefinition("person_id", "count() >= 2"),
            Derive = new DeriveDefinition("totals", [new("person_id", "person_id"), new("amount", "amount") { Source = SourceMap.StartingAt(SourceLocation.At("m.yaml", 12, 17)) }]),
        };

        var error = Assert.Throws<RuleCompilationException>(() => Build([PaidAfterDeath, totals, new RuleDefinition("R1", "totals", "amount > 0")]));

        Diagnostic diagnostic = Assert.Single(error.Diagnostics, d => d.IsError);
        Assert.Equal((DiagnosticIds.UnknownField, 12, 17), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("'person_id' it groups by", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DerivedField_CopiedFromAField_KeepsItsTypeAndPersonalKind_AndTheKey()
    {
        RuleSet rules = Build([PaidAfterDeath, SumPerPerson]);

        DatasetSchema derived = rules.Datasets["paid_after_death"];
        Assert.Equal(FieldType.IdNumber, derived.Fields[0].Type);
        Assert.Equal(PersonalDataKind.IdNumber, derived.Fields[0].Personal);
        Assert.Equal(FieldType.Long, derived.Fields[3].Type);
        Assert.Equal(["person_id"], derived.KeyFields);
    }

    [Fact]
    public async Task DerivedDataset_JoinedByAnotherDataset_RunsBeforeItWhateverTheSourceOrder()
    {
        var (clues, _) = await Run([DeriveDead, PaidAfterDead], Csv(PaymentsCsv, Payments), Csv(DeathsCsv, Deaths));

        Assert.Equal(5, clues.Count);
        Assert.All(clues, c => Assert.Equal("payments", c.Dataset));
    }

    [Fact]
    public async Task DerivedDataset_JoinedAndWithItsOwnRule_GivesBothTheirClues()
    {
        var early = new RuleDefinition("R2", "dead", "died < DATE '2024-02-01'");

        var (clues, _) = await Run([DeriveDead, PaidAfterDead, early], Csv(PaymentsCsv, Payments), Csv(DeathsCsv, Deaths));

        Assert.Equal(5, clues.Count(c => c.RuleId == "R1"));
        Clue died = Assert.Single(clues, c => c.RuleId == "R2");
        Assert.Equal((Heavy, 2L), (died.SubjectKey, died.Line));
    }

    [Fact]
    public async Task DerivedRecords_OfManyBlocks_ReachTheNextStageEveryOneInOrder()
    {
        // 9,000 payments (more than two blocks of held records), every third of 900.
        var text = new StringBuilder("person_id,paid_on,amount\n");
        for (int i = 0; i < 9_000; i++)
        {
            text.Append(i % 2 == 0 ? Heavy : Living).Append(",2024-01-").Append((i % 28) + 1 < 10 ? "0" : string.Empty).Append((i % 28) + 1).Append(',').Append(i % 3 == 0 ? 900 : 100 + i % 7).Append('\n');
        }

        var copy = new RuleDefinition("S1", "payments", "amount > 0")
        {
            Derive = new DeriveDefinition("copied", [new("person_id", "person_id"), new("paid_on", "paid_on"), new("amount", "amount")]),
        };
        var large = new RuleDefinition("R1", "copied", "amount >= 900") { Clue = new ClueSpec { Evidence = ["amount", "paid_on"] } };

        var (clues, summary) = await Run([copy, large], Csv(text.ToString(), Payments), Csv(DeathsCsv, Deaths));

        Assert.Equal(9_000L, summary.DerivedRecordsPerDataset["copied"]);
        Assert.Equal(Enumerable.Range(0, 9_000).Where(i => i % 3 == 0).Select(i => (long)i + 2), clues.Select(c => c.Line));
        Assert.All(clues, c => Assert.Equal(900m, c.Evidence.Single(e => e.Field == "amount").Value));
        Assert.Equal(new DateOnly(2024, 1, 1), clues[0].Evidence.Single(e => e.Field == "paid_on").Value);
    }

    [Fact]
    public void Stages_InACycle_AreReported()
    {
        var a = new RuleDefinition("A", "d2", "TRUE") { Derive = new DeriveDefinition("d1", [new("person_id", "person_id")]) };
        var b = new RuleDefinition("B", "d1", "TRUE") { Derive = new DeriveDefinition("d2", [new("person_id", "person_id")]) };

        var error = Assert.Throws<RuleCompilationException>(() => new RuleSetBuilder().AddDataset(Payments).AddRule(a).AddRule(b).Build());

        Assert.Equal([("A", DiagnosticIds.StageCycle), ("B", DiagnosticIds.StageCycle)], error.Diagnostics.Where(d => d.IsError).Select(d => (d.RuleId, d.Id)));
    }

    [Fact]
    public void DerivingRuleWithAnError_IsReportedOnce_NotAgainByItsReaders()
    {
        var broken = PaidAfterDeath with { Condition = "paid_on > d.no_such_field" };

        var error = Assert.Throws<RuleCompilationException>(() => Build([broken, SumPerPerson]));

        Diagnostic diagnostic = Assert.Single(error.Diagnostics, d => d.IsError);
        Assert.Equal(("S1", DiagnosticIds.UnknownField), (diagnostic.RuleId, diagnostic.Id));
    }

    [Fact]
    public void DerivedDataset_NamedLikeAnInput_IsReported()
    {
        var clash = PaidAfterDeath with { Derive = PaidAfterDeath.Derive! with { Dataset = "deaths" } };

        var error = Assert.Throws<RuleCompilationException>(() => Build([clash]));

        Assert.Contains(error.Diagnostics, d => d.Id == DiagnosticIds.InvalidRule && d.Message.Contains("declared as an input", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DerivedDataset_GivenAsASource_IsRefused()
    {
        RuleSet rules = Build([PaidAfterDeath, SumPerPerson]);
        DatasetSchema derived = rules.Datasets["paid_after_death"];

        await Assert.ThrowsAsync<ArgumentException>(() => rules.RunAsync(RecordSource.Csv(new MemoryStream("person_id,paid_on,amount,days_after\n"u8.ToArray()), derived), new CollectingSink()));
    }

    [Fact]
    public async Task DerivedRecords_BeyondTheLimit_StopTheRunWithRE4006()
    {
        var error = await Assert.ThrowsAsync<RunLimitExceededException>(() => Build([PaidAfterDeath, SumPerPerson])
            .RunAsync([Csv(PaymentsCsv, Payments), Csv(DeathsCsv, Deaths)], new CollectingSink(), new RunOptions { MaxReferenceRecords = 5 }));

        Assert.Equal(DiagnosticIds.ReferenceLimitExceeded, error.Code);
        Assert.Contains("paid_after_death", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_DerivingRule_FollowsTheRecordThroughTheNextStage()
    {
        var late = new RuleDefinition("R2", "paid_after_death", "days_after > 60");
        RuleSet rules = Build([PaidAfterDeath, SumPerPerson, late]);

        RecordExplanation explanation = await rules.ExplainAsync(Csv(PaymentsCsv, Payments), 2, [Csv(DeathsCsv, Deaths)], new RunOptions { RevealPersonalData = true });

        RuleExplanation rule = Assert.Single(explanation.Rules);
        Assert.Equal(RuleVerdict.Derives, rule.Verdict);
        Assert.Contains("paid_after_death", rule.Note, StringComparison.Ordinal);
        JoinedRecord death = Assert.Single(rule.Joined);
        Assert.Equal(("d", "deaths", 2L), (death.Alias, death.Dataset, death.Line));
        Assert.Equal((JoinKind.Inner, "person_id = d.person_id", (int?)1, 1), (death.Kind, death.On, death.WithKey, death.Matching));
        Assert.Equal("2024-01-20", death.Values.Single(v => v.Field == "death_date").Value);
        RecordExplanation derived = Assert.IsType<RecordExplanation>(rule.Derived);
        Assert.Equal(("paid_after_death", 2L), (derived.Dataset, derived.Line));
        Assert.Equal("76", derived.Values.Single(v => v.Field == "days_after").Value);
        Assert.Equal([("R1", RuleVerdict.CountsInWindow), ("R2", RuleVerdict.Clue)], derived.Rules.Select(r => (r.RuleId, r.Verdict)));
    }

    [Fact]
    public async Task Explain_RecordTheDerivingRuleDoesNotMatch_HasNoNextStage()
    {
        RuleSet rules = Build([PaidAfterDeath, SumPerPerson]);

        // Line 3: a living person's payment, no death to join.
        RecordExplanation explanation = await rules.ExplainAsync(Csv(PaymentsCsv, Payments), 3, [Csv(DeathsCsv, Deaths)]);

        RuleExplanation rule = Assert.Single(explanation.Rules);
        Assert.Equal(RuleVerdict.NoClue, rule.Verdict);
        Assert.Null(rule.Derived);
        JoinedRecord none = Assert.Single(rule.Joined);
        Assert.Equal(("d", "deaths", (long?)null), (none.Alias, none.Dataset, none.Line));
        Assert.Empty(none.Values);
        Assert.Equal(((int?)0, 0), (none.WithKey, none.Matching));
    }

    [Fact]
    public async Task Explain_JoinWithWhere_CountsTheRecordsWithTheKeyAndThoseMeetingWhere()
    {
        var before = new RuleDefinition("B", "payments", "TRUE")
        {
            Joins = [new JoinDefinition("deaths", "d", JoinKind.Exists) { On = [("person_id", "person_id")], Where = "d.death_date > DATE '2030-01-01'" }],
        };
        RuleSet rules = Build([before]);

        RecordExplanation explanation = await rules.ExplainAsync(Csv(PaymentsCsv, Payments), 2, [Csv(DeathsCsv, Deaths)]);

        RuleExplanation rule = Assert.Single(explanation.Rules);
        Assert.Equal(RuleVerdict.NoClue, rule.Verdict);
        JoinedRecord death = Assert.Single(rule.Joined);
        Assert.Equal((JoinKind.Exists, "d.death_date > DATE '2030-01-01'", (int?)1, 0), (death.Kind, death.Where, death.WithKey, death.Matching));
    }

    private static RuleSet Build(IEnumerable<RuleDefinition> rules) => new RuleSetBuilder().AddDataset(Payments).AddDataset(Deaths).AddRules(rules).Build();

    private static async Task<(List<Clue> Clues, RunSummary Summary)> Run(IEnumerable<RuleDefinition> rules, params RecordSource[] sources)
    {
        var sink = new CollectingSink();
        RunSummary summary = await Build(rules).RunAsync(sources, sink, new RunOptions { RevealPersonalData = true });
        return (sink.Clues, summary);
    }

    private static RecordSource Csv(string text, DatasetSchema schema) => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(text)), schema);
}
