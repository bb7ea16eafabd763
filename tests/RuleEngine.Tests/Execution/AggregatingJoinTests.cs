using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>
/// A join that aggregates its matches: medical-insurance claims for injuries that match traffic accidents of the
/// same person before the claim — how many, the nearest gap in days, their case numbers — one clue per claim.
/// </summary>
public class AggregatingJoinTests
{
    private const string Two = "11010519491231002X";
    private const string One = "370101190102039973";
    private const string None = "513101198201130014";

    private static readonly DatasetSchema Claims = DatasetSchema.Create("claims")
        .Add("claim_no", FieldType.String).Add("person_id", FieldType.IdNumber).Add("claim_date", FieldType.Date).Add("amount", FieldType.Decimal).Key("claim_no").Build();

    private static readonly DatasetSchema Accidents = DatasetSchema.Create("accidents")
        .Add("case_no", FieldType.String).Add("person_id", FieldType.IdNumber).Add("accident_date", FieldType.Date).Add("loss", FieldType.Decimal).Build();

    private const string ClaimsCsv = "claim_no,person_id,claim_date,amount\n"
        + $"C1,{Two},2024-03-01,5000\nC2,{One},2024-03-01,800\nC3,{None},2024-03-01,900\n";

    // Two: three accidents, two before the claim (gaps 10 and 40 days), one after. One: one accident before. None: one after.
    private const string AccidentsCsv = "case_no,person_id,accident_date,loss\n"
        + $"A1,{Two},2024-01-21,100.50\nA2,{Two},2024-02-20,200.25\nA3,{Two},2024-03-05,999\n"
        + $"B1,{One},2024-02-01,50\nN1,{None},2024-04-01,70\n";

    private static readonly JoinAggregate[] Aggregates =
    [
        new("accidents", "count()"),
        new("nearest_gap", "min(days_between(a.accident_date, claim_date))"),
        new("numbers", "list(a.case_no)"),
        new("losses", "sum(a.loss)"),
        new("last_accident", "max(a.accident_date)"),
        new("courts", "count_distinct(substr(a.case_no, 1, 1))"),
    ];

    [Fact]
    public async Task AggregatingJoin_GivesOneCluePerRecord_WithTheAggregatesAsEvidence()
    {
        var (clues, _) = await Run("a.accidents >= 2 AND a.nearest_gap <= 30", JoinKind.Inner);

        Clue clue = Assert.Single(clues);
        Assert.Equal("C1", clue.SubjectKey);
        Assert.Equal(2L, Value(clue, "a.accidents"));
        Assert.Equal(10L, Value(clue, "a.nearest_gap"));
        Assert.Equal(new[] { "A1", "A2" }, Value(clue, "a.numbers"));
        Assert.Equal(300.75m, Value(clue, "a.losses"));
        Assert.Equal(new DateOnly(2024, 2, 20), Value(clue, "a.last_accident"));
        Assert.Equal(1L, Value(clue, "a.courts"));
        Assert.Equal("accidents", clue.Evidence.Single(e => e.Field == "a.accidents").Dataset);
        Assert.Equal("C1: 2 起, 最近 10 天", clue.Title);
    }

    [Fact]
    public async Task AggregatingJoin_Inner_NeedsAMatch_Left_SeesZero()
    {
        var (inner, _) = await Run("a.accidents < 2", JoinKind.Inner);
        var (left, _) = await Run("a.accidents < 2", JoinKind.Left);

        Assert.Equal(["C2"], inner.Select(c => c.SubjectKey));
        Assert.Equal(["C2", "C3"], left.Select(c => c.SubjectKey));
        Clue none = left.Single(c => c.SubjectKey == "C3");
        Assert.Equal(0L, Value(none, "a.accidents"));
        Assert.Null(Value(none, "a.nearest_gap"));
        Assert.Equal(Array.Empty<string>(), Value(none, "a.numbers"));
    }

    [Theory]
    [InlineData("sum(a.case_no)", DiagnosticIds.TypeMismatch)]
    [InlineData("median(a.loss)", DiagnosticIds.UnknownFunction)]
    [InlineData("count(a.loss)", DiagnosticIds.UnknownFunction)]
    [InlineData("min(a.nope)", DiagnosticIds.UnknownField)]
    public void AggregatingJoin_BadAggregate_IsReported(string expression, string code)
    {
        var join = new JoinDefinition("accidents", "a", JoinKind.Inner) { On = [("person_id", "person_id")], Aggregates = [new JoinAggregate("x", expression)] };

        var error = Assert.Throws<RuleCompilationException>(() => new RuleSetBuilder().AddDataset(Claims).AddDataset(Accidents)
            .AddRule(new RuleDefinition("R", "claims", "TRUE") { Joins = [join] }).Build());

        Assert.Equal(code, error.Diagnostics.First(d => d.IsError).Id);
    }

    [Fact]
    public void AggregatingJoin_ConditionNamingAMatchField_IsReported()
    {
        var join = new JoinDefinition("accidents", "a", JoinKind.Inner) { On = [("person_id", "person_id")], Aggregates = [new JoinAggregate("n", "count()")] };

        var error = Assert.Throws<RuleCompilationException>(() => new RuleSetBuilder().AddDataset(Claims).AddDataset(Accidents)
            .AddRule(new RuleDefinition("R", "claims", "a.loss > 0") { Joins = [join] }).Build());

        Assert.Equal(DiagnosticIds.UnknownField, error.Diagnostics.First(d => d.IsError).Id);
    }

    [Fact]
    public async Task AggregatingJoin_Explain_ShowsTheAggregatesConditions()
    {
        RuleSet rules = Build("a.accidents >= 2", JoinKind.Left);
        RecordExplanation explanation = await rules.ExplainAsync(Csv(ClaimsCsv, Claims), 4, [Csv(AccidentsCsv, Accidents)]);

        RuleExplanation rule = Assert.Single(explanation.Rules);
        Assert.Equal(RuleVerdict.NoClue, rule.Verdict);
        Assert.Equal(false, Assert.Single(rule.Conditions).Value);
    }

    [Fact]
    public async Task OrderedAggregates_TakeTheMatchesInTheirOrder_NullsLast_TiesInInputOrder()
    {
        const string Person = "11010519491231002X";
        string accidents = "case_no,person_id,accident_date,loss\n"
            + $"K1,{Person},2024-01-10,300\nK2,{Person},2024-02-10,\nK3,{Person},2024-01-05,300\nK4,{Person},2023-12-01,100\nK5,{Person},2024-02-20,500\n";
        JoinAggregate[] aggregates =
        [
            new("latest", "first(a.case_no ORDER BY a.accident_date DESC)"),
            new("earliest", "last(a.case_no ORDER BY a.accident_date DESC)"),
            new("cheapest", "first(a.case_no ORDER BY a.loss)"),
            new("dearest", "last(a.case_no ORDER BY a.loss)"),
            new("first_in_file", "first(a.case_no)"),
            new("last_in_file", "last(a.case_no)"),
            new("by_loss", "list(a.case_no ORDER BY a.loss DESC LIMIT 3)"),
            new("loss_of_latest", "first(a.loss ORDER BY a.accident_date DESC)"),
        ];
        var join = new JoinDefinition("accidents", "a", JoinKind.Inner) { On = [("person_id", "person_id")], Aggregates = aggregates };
        RuleSet rules = new RuleSetBuilder().AddDataset(Claims).AddDataset(Accidents)
            .AddRule(new RuleDefinition("R", "claims", "TRUE") { Joins = [join], Clue = new ClueSpec { Evidence = [.. aggregates.Select(a => "a." + a.Name)] } })
            .Build();
        var sink = new CollectingSink();

        await rules.RunAsync([Csv($"claim_no,person_id,claim_date,amount\nC1,{Person},2024-03-01,5000\n", Claims), Csv(accidents, Accidents)], sink, new RunOptions { RevealPersonalData = true });

        Clue clue = Assert.Single(sink.Clues);
        Assert.Equal("K5", Value(clue, "a.latest"));
        Assert.Equal("K4", Value(clue, "a.earliest"));
        Assert.Equal("K4", Value(clue, "a.cheapest"));
        Assert.Equal("K5", Value(clue, "a.dearest"));
        Assert.Equal("K1", Value(clue, "a.first_in_file"));
        Assert.Equal("K5", Value(clue, "a.last_in_file"));
        Assert.Equal(new[] { "K5", "K1", "K3" }, Value(clue, "a.by_loss"));
        Assert.Equal(500m, Value(clue, "a.loss_of_latest"));
    }

    [Theory]
    [InlineData("first(a.case_no ORDER BY a.loss LIMIT 2)", "only list() takes a limit")]
    [InlineData("list(a.case_no ORDER BY a.loss LIMIT 99)", "from 1 to 50")]
    [InlineData("sum(a.loss ORDER BY a.loss)", "only list(), first() and last() take an order")]
    [InlineData("first(a.case_no ORDER BY nosuch)", "nosuch")]
    public void OrderedAggregate_Misused_IsADiagnostic(string aggregate, string message)
    {
        var join = new JoinDefinition("accidents", "a", JoinKind.Inner) { On = [("person_id", "person_id")], Aggregates = [new("x", aggregate)] };

        var error = Assert.Throws<RuleCompilationException>(() => new RuleSetBuilder().AddDataset(Claims).AddDataset(Accidents)
            .AddRule(new RuleDefinition("R", "claims", "TRUE") { Joins = [join] }).Build());

        Assert.Contains(error.Diagnostics, d => d.IsError && d.Message.Contains(message, StringComparison.Ordinal));
    }

    private static object? Value(Clue clue, string field) => clue.Evidence.Single(e => e.Field == field).Value;

    private static RuleSet Build(string condition, JoinKind kind)
    {
        var join = new JoinDefinition("accidents", "a", kind) { On = [("person_id", "person_id")], Where = "a.accident_date <= claim_date", Aggregates = Aggregates };
        var clue = new ClueSpec
        {
            Title = "{claim_no}: {a.accidents} 起, 最近 {a.nearest_gap} 天",
            Evidence = ["claim_no", "a.accidents", "a.nearest_gap", "a.numbers", "a.losses", "a.last_accident", "a.courts"],
        };
        return new RuleSetBuilder().AddDataset(Claims).AddDataset(Accidents)
            .AddRule(new RuleDefinition("R", "claims", condition) { Joins = [join], Clue = clue })
            .Build();
    }

    private static async Task<(List<Clue> Clues, RunSummary Summary)> Run(string condition, JoinKind kind)
    {
        var sink = new CollectingSink();
        RunSummary summary = await Build(condition, kind).RunAsync([Csv(ClaimsCsv, Claims), Csv(AccidentsCsv, Accidents)], sink, new RunOptions { RevealPersonalData = true });
        return (sink.Clues, summary);
    }

    private static RecordSource Csv(string text, DatasetSchema schema) => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(text)), schema);
}
