using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>P05: records the host excludes (sealed juvenile records) reach no rule and no join, and are counted.</summary>
public sealed class ExclusionTests
{
    private static readonly DatasetSchema Cases = DatasetSchema.Create("cases").Add("person_id", FieldType.String).Add("sealed", FieldType.Bool).Add("amount", FieldType.Decimal).Key("person_id").Build();
    private static readonly DatasetSchema People = DatasetSchema.Create("people").Add("person_id", FieldType.String).Add("sealed", FieldType.Bool).Build();

    private static RuleSetBuilder Builder() => new RuleSetBuilder()
        .AddDataset(Cases)
        .AddDataset(People)
        .AddRule(new RuleDefinition("Large", "cases", "amount > 10"))
        .AddRule(new RuleDefinition("Known", "cases", "p.person_id IS NOT NULL") { Joins = [new JoinDefinition("people", "p", JoinKind.Left) { On = [("person_id", "person_id")] }] })
        .Exclude("cases", "sealed = true")
        .Exclude("people", "sealed");

    [Fact]
    public async Task Excluded_records_reach_no_rule_and_no_join_and_are_counted()
    {
        var sink = new CollectingSink();
        RunSummary summary = await Builder().Build().RunAsync(
            [
                TestRules.Csv("person_id,sealed,amount\nA,false,100\nB,true,100\nC,,100\n", Cases),
                TestRules.Csv("person_id,sealed\nA,false\nC,true\n", People),
            ],
            sink);

        Assert.Equal([("Large", "A"), ("Known", "A"), ("Large", "C")], sink.Clues.Select(c => (c.RuleId, c.SubjectKey)));
        Assert.Equal(2, summary.RecordsExcluded);
    }

    [Fact]
    public void An_exclusion_is_checked_like_a_condition()
    {
        IReadOnlyList<Diagnostic> diagnostics = Builder().Exclude("cases", "seeled = true").Exclude("nowhere", "x = 1").Validate();

        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.UnknownField && d.Hint == "Did you mean 'sealed'?");
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.UnknownDataset);
    }

    [Fact]
    public async Task A_source_without_records_is_a_warning()
    {
        (List<Clue> _, RunSummary summary) = await TestRules.RunAsync(TestRules.Build(TestRules.Rule("amount > 1")), TestRules.Csv("case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n"));

        Assert.Equal(1, summary.FieldWarnings);
        Assert.Equal(DiagnosticIds.NoRecords, Assert.Single(summary.Rejections).Code);
    }
}
