using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

/// <summary>R02/R03: a CSV row that never ends (an unclosed quote, a giant line) costs one line, not the memory of the process nor the rest of the file.</summary>
public sealed class CsvRowLimitTests
{
    [Theory]
    [InlineData("A3,\"民间借贷纠纷,,,,1,,,,,\n")]
    [InlineData("A3,民间借贷纠纷,,,,1,,,,,")]
    public async Task A_row_past_the_limit_is_rejected_and_the_rows_after_it_are_read(string opening)
    {
        var csv = new StringBuilder("case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n");
        csv.Append("A1,盗窃罪,,,,5,,,,,\nA2,盗窃罪,,,,6,,,,,\n").Append(opening);
        for (int i = 0; i < 20_000; i++)
        {
            csv.Append(opening.Contains('"', StringComparison.Ordinal) ? "B,盗窃罪,,,,7,,,,,\n" : "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        }

        csv.Append("\nC,盗窃罪,,,,8,,,,,\n");
        RecordSource source = RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), TestRules.Judgments, new CsvSourceOptions { MaxRecordChars = 10_000 });

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await TestRules.RunAsync(TestRules.Build(TestRules.Rule("amount > 1")), source, new RunOptions { BatchSize = 1, MaxDegreeOfParallelism = 1 });

        RecordRejection rejection = summary.Rejections.First();
        Assert.Equal(4L, rejection.Line);
        Assert.Contains(rejection.Code, new[] { DiagnosticIds.MalformedRecord, DiagnosticIds.RecordTooLarge });
        Assert.Equal([2L, 3L], clues.Select(c => c.Line).Take(2));
        Assert.Equal(0, summary.LinesPerDataset["judgments"].Unaccounted);
        Assert.Contains(clues, c => c.Line == summary.LinesPerDataset["judgments"].Lines);
    }
}
