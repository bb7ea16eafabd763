using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

public sealed class ExplainTests
{
    private const string Csv = """
        case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants
        A1,民间借贷纠纷,11010519491231002X,张三,,90000,,,,2024-01-05,
        A2,民间借贷纠纷,11010519491231002X,张三,,abc,,,,2024-01-06,
        A3,盗窃罪,,李四,,100,,0,,2024-01-07,
        """;

    private static RuleSet Rules() => TestRules.Build(
        TestRules.Rule("cause = '民间借贷纠纷' AND amount >= 50000", "Large"),
        TestRules.Rule("cause = '盗窃罪' AND amount / months > 10", "PerMonth"),
        TestRules.Rule("amount >= 50000 AND plaintiff_id IS NULL", "NoPlaintiff"));

    [Fact]
    public async Task Each_rule_says_whether_the_record_is_a_clue_with_the_value_of_each_condition()
    {
        RecordExplanation explanation = await Rules().ExplainAsync(TestRules.Csv(Csv), line: 2);

        Assert.True(explanation.Found);
        Assert.Equal([RuleVerdict.Clue, RuleVerdict.NoClue, RuleVerdict.NoClue], explanation.Rules.Select(r => r.Verdict));
        Assert.Equal([("cause = '民间借贷纠纷'", (bool?)true), ("amount >= 50000", true)], explanation.Rules[0].Conditions.Select(c => (c.Condition, c.Value)));
        Assert.Equal([true, false], explanation.Rules[2].Conditions.Select(c => c.Value));
    }

    [Fact]
    public async Task A_condition_shows_the_values_its_function_calls_computed_personal_ones_masked()
    {
        RuleSet rules = TestRules.Build(
            TestRules.Rule("days_between(filing_date, DATE '2024-03-01') > 30 AND length(trim(cause)) = 6 AND upper(plaintiff_id) IS NOT NULL AND amount > 1", "Computed"));

        RecordExplanation masked = await rules.ExplainAsync(TestRules.Csv(Csv), line: 2);
        RecordExplanation revealed = await rules.ExplainAsync(TestRules.Csv(Csv), line: 2, options: new RunOptions { RevealPersonalData = true });

        IReadOnlyList<ConditionOutcome> conditions = masked.Rules.Single().Conditions;
        Assert.Equal([new ComputedValue("days_between(filing_date, DATE '2024-03-01')", "56")], conditions[0].Computed);
        Assert.Equal([new ComputedValue("length(trim(cause))", "6"), new ComputedValue("trim(cause)", "民间借贷纠纷")], conditions[1].Computed);
        Assert.Equal("110105********002X", Assert.Single(conditions[2].Computed).Value);
        Assert.Equal("11010519491231002X", Assert.Single(revealed.Rules.Single().Conditions[2].Computed).Value);
        Assert.Empty(conditions[3].Computed);
    }

    [Fact]
    public async Task A_record_that_is_a_clue_shows_the_clue_a_run_would_give_masked_as_it()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 1000") with
        {
            Clue = new ClueSpec { Title = "{plaintiff_name} 借款 {amount} 元", Evidence = ["plaintiff_id", "per_month"], Computed = [new ComputedEvidence("per_month", "amount / 12")] },
        });

        RecordExplanation clue = await rules.ExplainAsync(TestRules.Csv(Csv), line: 2);
        RecordExplanation none = await rules.ExplainAsync(TestRules.Csv(Csv), line: 4);

        Clue shown = Assert.IsType<Clue>(clue.Rules.Single().Clue);
        Assert.Equal(("张* 借款 90000 元", "110105********002X"), (shown.Title, shown.SubjectKey));
        Assert.Equal([("plaintiff_id", (object?)"110105********002X"), ("per_month", 7500m)], shown.Evidence.Select(e => (e.Field, e.Value)));
        Assert.Null(none.Rules.Single().Clue);
    }

    [Fact]
    public async Task A_number_a_condition_computes_from_an_ID_number_is_masked_unless_revealed()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("abs(CAST(substr(plaintiff_id, 1, 17) AS BIGINT)) > 0", "Digits"));

        RecordExplanation masked = await rules.ExplainAsync(TestRules.Csv(Csv), line: 2);
        RecordExplanation revealed = await rules.ExplainAsync(TestRules.Csv(Csv), line: 2, options: new RunOptions { RevealPersonalData = true });

        Assert.Equal(["****", "****"], masked.Rules.Single().Conditions[0].Computed.Select(c => c.Value));
        Assert.Equal(["11010519491231002", "11010519491231002"], revealed.Rules.Single().Conditions[0].Computed.Select(c => c.Value));
    }

    [Fact]
    public async Task A_computed_date_is_shown_as_one_not_as_the_day_number_it_is_held_as()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("date_add(filing_date, 30) > DATE '2020-01-01' AND year_month(filing_date) = DATE '2024-01-01'", "Dates"));

        RecordExplanation explanation = await rules.ExplainAsync(TestRules.Csv(Csv), line: 2);

        IReadOnlyList<ConditionOutcome> conditions = explanation.Rules.Single().Conditions;
        Assert.Equal([new ComputedValue("date_add(filing_date, 30)", "2024-02-04")], conditions[0].Computed);
        Assert.Equal([new ComputedValue("year_month(filing_date)", "2024-01-01")], conditions[1].Computed);
    }

    [Fact]
    public async Task The_clues_of_a_run_carry_no_computed_values()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("days_between(filing_date, DATE '2024-03-01') > 30", "Computed"));

        (List<Clue> clues, _) = await TestRules.RunAsync(rules, TestRules.Csv(Csv));

        Assert.All(clues, c => Assert.Empty(Assert.Single(c.Explanation).Computed));
    }

    [Fact]
    public async Task Personal_values_are_masked_unless_revealed()
    {
        RecordExplanation masked = await Rules().ExplainAsync(TestRules.Csv(Csv), line: 2);
        RecordExplanation revealed = await Rules().ExplainAsync(TestRules.Csv(Csv), line: 2, options: new RunOptions { RevealPersonalData = true });

        Assert.Equal("110105********002X", masked.Values.Single(v => v.Field == "plaintiff_id").Value);
        Assert.Equal("张*", masked.Values.Single(v => v.Field == "plaintiff_name").Value);
        Assert.Equal("11010519491231002X", revealed.Values.Single(v => v.Field == "plaintiff_id").Value);
    }

    [Fact]
    public async Task A_rule_that_fails_on_the_record_is_NotEvaluated_with_its_code()
    {
        RecordExplanation explanation = await Rules().ExplainAsync(TestRules.Csv(Csv), line: 4);

        RuleExplanation perMonth = explanation.Rules.Single(r => r.RuleId == "PerMonth");
        Assert.Equal((RuleVerdict.NotEvaluated, DiagnosticIds.DivisionByZero), (perMonth.Verdict, perMonth.ErrorCode));
    }

    [Fact]
    public async Task A_record_that_cannot_be_read_or_does_not_exist_is_said_so()
    {
        RecordExplanation rejected = await Rules().ExplainAsync(TestRules.Csv(Csv), line: 3);
        RecordExplanation missing = await Rules().ExplainAsync(TestRules.Csv(Csv), line: 40);

        Assert.Equal((true, "RE5004"), (rejected.Found, rejected.Rejection?.Code));
        Assert.Empty(rejected.Rules);
        Assert.False(missing.Found);
    }
}
