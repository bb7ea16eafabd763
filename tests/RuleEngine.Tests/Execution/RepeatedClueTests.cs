using RuleEngine.Clues;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>R16: a business key twice in the input gives two clues with one fingerprint, and the summary counts the repeat.</summary>
public sealed class RepeatedClueTests
{
    [Fact]
    public async Task The_same_subject_twice_is_two_clues_with_one_fingerprint_and_one_counted_repeat()
    {
        (List<Clue> clues, RunSummary summary) = await TestRules.RunAsync(
            TestRules.Build(TestRules.Rule("amount > 1")),
            TestRules.Csv("case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\nA1,,11010519491231002X,,,5,,,,,\nA2,,370101190102039973,,,5,,,,,\nA3,,11010519491231002X,,,5,,,,,\n"));

        Assert.Equal(3, clues.Count);
        Assert.Equal(clues[0].Fingerprint, clues[2].Fingerprint);
        Assert.Equal(1, summary.RepeatedClues);
    }
}
