using RuleEngine.Clues;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.PersonalData;

/// <summary>
/// The P-series canary: an ID number, a name and a phone planted in records that set off every error path — a row
/// of the wrong width, values that do not parse, broken JSON, rules that fail on the record — appear in no
/// rejection, no rule error, no exception message and no summary.
/// </summary>
public sealed class CanaryTests
{
    private const string Id = "11010519491231002X";
    private const string Name = "王秘密";
    private const string Phone = "13912345678";

    private static readonly string[] Canaries = [Id, Name, Phone, "19491231", "12345678"];

    private static readonly string Csv = $"""
        case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants
        A1,民间借贷纠纷,{Id},{Name},{Phone},100
        A2,民间借贷纠纷,{Id},{Name},{Phone},{Phone}元,,,,2024-01-01,
        A3,民间借贷纠纷,{Id},{Name},{Phone},100,,,,{Id},
        A4,民间借贷纠纷,{Id},{Name},{Phone},100,,0,,2024-01-01,
        A5,民间借贷纠纷,{Id},{Name},{Phone},100,{Name},1,{Phone},2024-01-01,{Name}
        A6,"{Id},{Name}",{Id},{Name},{Phone},100,,1,true,2024-01-01,{Name}
        """;

    private static readonly string JsonLines = $$"""
        {"case_no":"B1","plaintiff_id":"{{Id}}","plaintiff_name":"{{Name}}","phone":"{{Phone}}","amount":"{{Phone}}"}
        {"case_no":"B2","plaintiff_id":"{{Id}}","plaintiff_name":"{{Name}}",
        {"case_no":"B3","plaintiff_id":"{{Id}}","plaintiff_name":"{{Name}}","months":"{{Phone}}","filing_date":"{{Id}}"}
        {"case_no":"B4","plaintiff_id":"{{Id}}","plaintiff_name":"{{Name}}","phone":"{{Phone}}","amount":100,"months":0}
        {"case_no":"B5","case_no":"{{Id}}","plaintiff_name":"{{Name}}"}
        """;

    private static RuleSet Rules() => TestRules.Build(
        TestRules.Rule("amount / months > 1", "DivideByZero"),
        TestRules.Rule("CAST(plaintiff_name AS INT) > 1", "CastFails"),
        TestRules.Rule("CAST(phone AS INT) > CAST(plaintiff_id AS INT) * 1000000000", "Overflow"),
        TestRules.Rule("plaintiff_name IS NOT NULL AND phone IS NOT NULL", "Hit"));

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public async Task Planted_personal_data_appears_in_no_rejection_rule_error_or_summary(string format)
    {
        RecordSourceFactory source = format == "csv" ? () => TestRules.Csv(Csv) : () => TestRules.JsonLines(JsonLines);

        (List<Clue> clues, RunSummary summary) = await TestRules.RunAsync(Rules(), source());

        Assert.True(summary.RecordsRejected >= 2 && summary.RuleErrors >= 2, $"{summary.RecordsRejected} rejected, {summary.RuleErrors} rule errors");
        AssertClean(string.Join("\n", summary.Rejections.Select(r => r.ToString() + "|" + r.Field)));
        AssertClean(summary.ToString());
        Assert.All(clues, clue => AssertClean(JsonLinesClueSink.Format(clue)));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public async Task Planted_personal_data_appears_in_no_exception_when_the_policy_stops_the_run(string format)
    {
        RecordSourceFactory source = format == "csv" ? () => TestRules.Csv(Csv) : () => TestRules.JsonLines(JsonLines);

        BadRecordLimitExceededException stopped = await Assert.ThrowsAsync<BadRecordLimitExceededException>(
            () => TestRules.RunAsync(Rules(), source(), new RunOptions { BadRecords = BadRecordPolicy.Stop }));

        AssertClean(stopped.ToString());
        AssertClean(string.Join("\n", stopped.Summary.Rejections));
    }

    private static void AssertClean(string text)
    {
        foreach (string canary in Canaries)
        {
            Assert.False(text.Contains(canary, StringComparison.Ordinal), $"'{canary}' leaked into: {text}");
        }
    }

    private delegate RuleEngine.Records.RecordSource RecordSourceFactory();
}
