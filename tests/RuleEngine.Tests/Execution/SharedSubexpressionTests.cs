using System.Globalization;
using System.Text;
using RuleEngine.Clues;
using RuleEngine.Execution;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Tests.Support;
using Record = RuleEngine.Records.Record;

namespace RuleEngine.Tests.Execution;

/// <summary>A function call that several rules make alike is computed once per record, and changes no answer.</summary>
public sealed class SharedSubexpressionTests
{
    private static readonly string[] Conditions =
    [
        "id_age_at(plaintiff_id, filing_date) >= 60",
        "id_age_at(plaintiff_id, filing_date) < 30 AND amount > 1000",
        "id_age_at(plaintiff_id,filing_date) BETWEEN 30 AND 40 OR days_between(filing_date, DATE '2024-06-30') > 100",
        "days_between(filing_date, DATE '2024-06-30') <= 100 AND upper(cause) = '盗窃罪'",
        "id_age_at(plaintiff_id, DATE '2024-01-01') > 50",
    ];

    private static RuleSet Build(bool share)
    {
        var builder = new RuleSetBuilder { ShareSubexpressions = share }.AddDataset(TestRules.Judgments);
        for (int i = 0; i < Conditions.Length; i++)
        {
            builder.AddRule(new RuleDefinition("R" + i.ToString(CultureInfo.InvariantCulture), "judgments", Conditions[i]));
        }

        return builder.Build();
    }

    [Fact]
    public void Calls_are_shared_by_structure_not_by_text()
    {
        RuleSet rules = Build(share: true);

        // id_age_at(plaintiff_id, filing_date) in three rules (spacing aside) and days_between(...) in two; the call
        // with another date argument is its own.
        Assert.Equal(2, rules.Compiled("judgments").SharedValues);
    }

    [Fact]
    public void A_shared_call_is_computed_once_per_record_whichever_rule_needs_it_first()
    {
        CompiledDataset dataset = Build(share: true).Compiled("judgments");
        Record record = dataset.CreateRecord();
        Fill(record, "11010519491231002X", new DateOnly(2024, 3, 1));

        bool[] first = [.. dataset.Rules.Select(r => r.Predicate(record))];
        Assert.Equal(2, record.Shared!.Computed);

        Fill(record, "513101198201130014", new DateOnly(2023, 3, 1));
        bool[] second = [.. dataset.Rules.Select(r => r.Predicate(record))];

        Assert.Equal(4, record.Shared.Computed);
        Assert.Equal([true, false, true, false, true], first);
        Assert.Equal([false, false, true, false, false], second);
    }

    [Fact]
    public async Task Sharing_gives_the_same_clues_as_computing_in_every_rule()
    {
        var random = new Random(5);
        var csv = new StringBuilder("case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n");
        string[] ids = ["11010519491231002X", "513101198201130014", "370101190102039973", "", "110105199001011234"];
        for (int i = 0; i < 3000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"（2024）京0105民初{i}号,{(random.Next(3) == 0 ? "盗窃罪" : "民间借贷纠纷")},{ids[random.Next(ids.Length)]},,,{random.Next(0, 5000)},,,,")
                .Append(random.Next(6) == 0 ? string.Empty : new DateOnly(2023, 1, 1).AddDays(random.Next(700)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                .Append(",\n");
        }

        // Small batches, so pooled records are refilled many times: a stale value would show.
        var options = new RunOptions { BatchSize = 7, MaxDegreeOfParallelism = 3 };
        (List<Clue> shared, _) = await TestRules.RunAsync(Build(share: true), TestRules.Csv(csv.ToString()), options);
        (List<Clue> separate, _) = await TestRules.RunAsync(Build(share: false), TestRules.Csv(csv.ToString()), options);

        Assert.True(shared.Count > 100);
        Assert.Equal(separate.Select(c => (c.RuleId, c.Line)), shared.Select(c => (c.RuleId, c.Line)));
    }

    private static void Fill(Record record, string id, DateOnly filed)
    {
        record.SetAllNull();
        record.SetString(record.Layout.Schema.IndexOf("plaintiff_id"), id);
        record.SetInt64(record.Layout.Schema.IndexOf("filing_date"), filed.DayNumber);
        record.SetString(record.Layout.Schema.IndexOf("cause"), "民间借贷纠纷");
        record.Shared?.Invalidate();
    }
}
