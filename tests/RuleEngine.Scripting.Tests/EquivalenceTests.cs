using System.Globalization;
using System.Text;
using RuleEngine.Clues;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

/// <summary>A rule written as a script and the same rule written as a condition give the same clues on the same data.</summary>
public sealed class EquivalenceTests
{
    public static TheoryData<string, string> Pairs => new()
    {
        { "amount >= 50000 AND cause = '民间借贷纠纷'", "r.Amount >= 50000m && r.Cause == \"民间借贷纠纷\"" },
        { "bac >= 0.8 OR months > 6", "r.Bac >= 0.8 || r.Months > 6" },
        { "NOT default_judgment", "r.DefaultJudgment == false" },
        { "filing_date < DATE '2024-06-01' AND amount BETWEEN 1000 AND 9000", "r.FilingDate < new DateOnly(2024, 6, 1) && r.Amount >= 1000m && r.Amount <= 9000m" },
        { "facts LIKE '%借条%' AND months IS NOT NULL", "Text.Contains(r.Facts, \"借条\") && r.Months is not null" },
        { "cause IN ('民间借贷纠纷', '合同纠纷') AND amount * 2 > 20000", "r.Cause is \"民间借贷纠纷\" or \"合同纠纷\" && r.Amount * 2 > 20000m" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task A_script_and_a_condition_find_the_same_clues(string condition, string script)
    {
        RuleSet rules = new RuleSetBuilder()
            .AddDataset(Scripts.Judgments)
            .UseScriptCompiler(Scripts.Compiler)
            .AddRule(new RuleDefinition("Condition", "judgments", condition))
            .AddRule(new RuleDefinition("Script", "judgments", string.Empty) { Script = script })
            .Build();

        (List<Clue> clues, RunSummary summary) = await Scripts.RunAsync(rules, Rows(seed: 7, count: 2000));

        string[] byCondition = [.. clues.Where(c => c.RuleId == "Condition").Select(c => c.SubjectKey)];
        string[] byScript = [.. clues.Where(c => c.RuleId == "Script").Select(c => c.SubjectKey)];
        Assert.Equal(0, summary.RuleErrors);
        Assert.NotEmpty(byCondition);
        Assert.NotEqual(2000, byCondition.Length);
        Assert.Equal(byCondition, byScript);
    }

    /// <summary>Random rows with NULLs in every column.</summary>
    internal static string Rows(int seed, int count)
    {
        var random = new Random(seed);
        string[] causes = ["民间借贷纠纷", "合同纠纷", "危险驾驶罪", "盗窃罪"];
        string[] facts = ["原告持借条主张借款", "被告醉酒驾驶", "借条 利息 转账", "双方签订合同"];
        string Maybe(string value) => random.Next(8) == 0 ? string.Empty : value;
        var text = new StringBuilder();
        for (int i = 1; i <= count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"（2024）京0105民初{i}号,")
                .Append(Maybe(causes[random.Next(causes.Length)])).Append(",,,")
                .Append(Maybe(random.Next(0, 100_000).ToString(CultureInfo.InvariantCulture))).Append(',')
                .Append(Maybe((random.Next(0, 200) / 100.0).ToString(CultureInfo.InvariantCulture))).Append(',')
                .Append(Maybe(random.Next(0, 24).ToString(CultureInfo.InvariantCulture))).Append(',')
                .Append(Maybe(random.Next(2) == 0 ? "true" : "false")).Append(',')
                .Append(Maybe(new DateOnly(2024, 1, 1).AddDays(random.Next(365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Append(',')
                .Append(Maybe(facts[random.Next(facts.Length)])).Append(",\n");
        }

        return text.ToString();
    }
}
