using System.Globalization;
using System.Text;
using RuleEngine.Clues;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

public class RuleDispatchTests
{
    [Fact]
    public async Task IndexedRuleSet_GivesExactlyTheCluesOfEachRuleRunAlone()
    {
        var random = new Random(17);
        string[] causes = ["民间借贷纠纷", "借款合同纠纷", "买卖合同纠纷", "盗窃罪"];
        var rules = new List<RuleDefinition>();
        for (int i = 0; i < 80; i++)
        {
            string cause = causes[random.Next(causes.Length)];
            string condition = (i % 8) switch
            {
                6 => $"cause = '{cause}' AND months = {random.Next(0, 8)} AND amount >= {random.Next(0, 20000)}",
                7 => $"months IN ({random.Next(0, 8)}, {random.Next(0, 8)}) AND cause IN ('{cause}', '{causes[random.Next(causes.Length)]}')",
                0 => $"cause = '{cause}' AND amount >= {random.Next(0, 20000)}",
                1 => $"cause IN ('{cause}', '{causes[random.Next(causes.Length)]}') AND months > {random.Next(0, 7)}",
                2 => $"months = {random.Next(0, 8)} AND default_judgment",
                3 => $"'{cause}' = cause AND (amount < 100 OR months IS NULL)",
                4 => $"amount % {random.Next(2, 9)} = 0",
                _ => $"cause = '{cause}' OR months = 3",
            };
            rules.Add(TestRules.Rule(condition, $"R{i:00}"));
        }

        string csv = RuleSetRunTests.GeneratedCsv(3_000, seed: 23);
        List<Clue> together = (await TestRules.RunAsync(TestRules.Build([.. rules]), TestRules.Csv(csv))).Clues;
        var alone = new List<Clue>();
        foreach (RuleDefinition rule in rules)
        {
            alone.AddRange((await TestRules.RunAsync(TestRules.Build(rule), TestRules.Csv(csv))).Clues);
        }

        IEnumerable<string> Ordered(IEnumerable<Clue> clues) => clues.OrderBy(c => c.Line).ThenBy(c => c.RuleId, StringComparer.Ordinal).Select(JsonLinesClueSink.Format);
        Assert.True(together.Count > 1000);
        Assert.Equal(Ordered(alone), together.Select(JsonLinesClueSink.Format));
    }

    [Fact]
    public void A_rule_whose_OR_branches_each_pin_a_field_is_filed_under_every_branch_and_comes_once()
    {
        RuleSet rules = TestRules.Build([.. Enumerable.Range(0, 50).Select(i => TestRules.Rule(
            string.Create(CultureInfo.InvariantCulture, $"(cause = 'A{i}' AND amount > 0) OR months = {i} OR cause IN ('B{i}', 'C{i}')"), string.Create(CultureInfo.InvariantCulture, $"R{i:00}")))]);
        RuleEngine.Execution.CompiledDataset dataset = rules.CompiledDatasets["judgments"];
        int[] buffer = new int[Math.Max(dataset.Rules.Length, dataset.Dispatch.Capacity)];

        int[] Candidates(string cause, long months)
        {
            RuleEngine.Records.Record record = dataset.Layout.CreateRecord();
            for (int f = 0; f < dataset.Schema.Fields.Count; f++)
            {
                RuleEngine.Schema.FieldDefinition field = dataset.Schema.Fields[f];
                string text = field.Name switch { "cause" => cause, "months" => months.ToString(CultureInfo.InvariantCulture), _ => string.Empty };
                Assert.Null(RuleEngine.Records.FieldValueParser.TryWrite(record, f, field, text, ';'));
            }

            return buffer[..dataset.Dispatch.Candidates(record, buffer)];
        }

        Assert.Empty(Candidates("none", 99));
        Assert.Equal([3, 5], Candidates("A3", 5));
        Assert.Equal([7], Candidates("C7", 7));
    }
}
