using System.Text;
using System.Text.Json;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

/// <summary>Every rejected record and rule error reaches the dead-letter sink, in input order, with no personal data unless the host protects it.</summary>
public sealed class DeadLetterTests
{
    private const string Csv = """
        case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants
        A1,民间借贷纠纷,11010519491231002X,王秘密,13912345678,100
        A2,民间借贷纠纷,11010519491231002X,王秘密,13912345678,3.30104E+17元,,,,2024-01-01,
        A3,民间借贷纠纷,11010519491231002X,王秘密,13912345678,100,,0,,2024-01-01,
        A4,民间借贷纠纷,11010519491231002X,王秘密,13912345678,100,,1,,2024-02-30,
        A5,民间借贷纠纷,11010519491231002X,王秘密,13912345678,100,,1,,2024-01-01,
        """;

    private static async Task<(List<JsonElement> Letters, RunSummary Summary)> RunAsync(Func<string, string>? protect, bool checkEveryField = true)
    {
        using var stream = new MemoryStream();
        RunSummary summary;
        await using (var sink = new JsonLinesDeadLetterSink(stream))
        {
            RuleSet rules = TestRules.Build(TestRules.Rule("amount / months > 1", "PerMonth"));
            (_, summary) = await TestRules.RunAsync(rules, TestRules.Csv(Csv), new RunOptions { DeadLetters = sink, ProtectDeadLetter = protect, MaxReportedRejections = 1, CheckEveryField = checkEveryField });
        }

        string text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.DoesNotContain("11010519491231002X", text, StringComparison.Ordinal);
        Assert.DoesNotContain("王秘密", text, StringComparison.Ordinal);
        return ([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)], summary);
    }

    [Fact]
    public async Task Every_failure_is_a_dead_letter_in_input_order_even_beyond_the_summary_s_list()
    {
        (List<JsonElement> letters, RunSummary summary) = await RunAsync(protect: null);

        Assert.Single(summary.Rejections);
        Assert.Equal(4, summary.RecordsRejected + summary.RuleErrors);
        Assert.Equal(
            [(2L, "RE5003", (string?)null), (3, "RE5004", null), (4, "RE4002", "PerMonth"), (5, "RE5004", null)],
            letters.Select(l => (l.GetProperty("line").GetInt64(), l.GetProperty("code").GetString()!, l.TryGetProperty("rule", out JsonElement r) ? r.GetString() : null)));
        Assert.All(letters, l => Assert.False(l.TryGetProperty("payload", out _)));
    }

    [Fact]
    public async Task A_bad_value_in_a_field_nothing_reads_is_not_parsed_unless_every_field_is_checked()
    {
        // Line 5's filing date (2024-02-30) is read by no rule: by default it is left as text.
        (List<JsonElement> letters, RunSummary summary) = await RunAsync(protect: null, checkEveryField: false);

        Assert.Equal(3, summary.RecordsRejected + summary.RuleErrors);
        Assert.Equal([2L, 3, 4], letters.Select(l => l.GetProperty("line").GetInt64()));
        Assert.Equal(5, summary.RecordsRead);
    }

    [Fact]
    public async Task The_raw_record_goes_into_a_dead_letter_only_as_the_host_protects_it()
    {
        var seen = new List<string>();
        string Protect(string raw)
        {
            seen.Add(raw);
            return Convert.ToBase64String(Encoding.UTF8.GetBytes(new string([.. raw.Reverse()])));
        }

        (List<JsonElement> letters, _) = await RunAsync(Protect);

        Assert.Equal("A1,民间借贷纠纷,11010519491231002X,王秘密,13912345678,100", seen[0]);
        Assert.Equal(3, seen.Count);
        Assert.Equal(Protect(seen[0]), letters[0].GetProperty("payload").GetString());
        Assert.False(letters[2].TryGetProperty("payload", out _));
    }
}
