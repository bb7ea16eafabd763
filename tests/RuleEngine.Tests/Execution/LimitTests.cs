using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>Limits with clear errors: each is an option with a default, and going past it says so.</summary>
public sealed class LimitTests
{
    [Fact]
    public void A_rule_set_past_its_rule_limit_is_refused_with_RE2019()
    {
        var builder = new RuleSetBuilder { MaxRules = 3 }.AddDataset(TestRules.Judgments);
        for (int i = 0; i < 4; i++)
        {
            builder.AddRule(TestRules.Rule("amount > 1", "R" + i));
        }

        Assert.Equal(DiagnosticIds.TooManyRules, Assert.Single(builder.Validate()).Id);
        Assert.Throws<RuleCompilationException>(builder.Build);
    }

    [Fact]
    public async Task A_giant_text_in_evidence_is_cut_and_says_how_much_was_left_out()
    {
        string facts = new('事', 5000);
        RuleSet rules = TestRules.Build(new RuleDefinition("R1", "judgments", "amount > 1") { Clue = new ClueSpec { Evidence = ["cause"] } });

        (List<Clue> clues, _) = await TestRules.RunAsync(rules, TestRules.Csv($"case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\nA1,{facts},,,,5,,,,,\n"), new RunOptions { MaxEvidenceLength = 100 });

        Assert.Equal(new string('事', 100) + "…(+4900 characters)", Assert.Single(clues).Evidence.Single().Value);
    }
}
