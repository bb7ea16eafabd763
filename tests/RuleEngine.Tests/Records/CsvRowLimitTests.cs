using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

/// <summary>R02/R03: a CSV row that never ends (an unclosed quote, a giant line) stops the source with RE5005 instead of filling memory.</summary>
public sealed class CsvRowLimitTests
{
    [Theory]
    [InlineData("A3,\"民间借贷纠纷,,,,1,,,,,\n")]
    [InlineData("A3,民间借贷纠纷,,,,1,,,,,")]
    public async Task A_row_past_the_limit_stops_the_source_after_the_rows_before_it(string opening)
    {
        var csv = new StringBuilder("case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n");
        csv.Append("A1,盗窃罪,,,,5,,,,,\nA2,盗窃罪,,,,6,,,,,\n").Append(opening);
        for (int i = 0; i < 20_000; i++)
        {
            csv.Append(opening.Contains('"', StringComparison.Ordinal) ? "B,盗窃罪,,,,7,,,,,\n" : "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        }

        RecordSource source = RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), TestRules.Judgments, new CsvSourceOptions { MaxRecordChars = 10_000 });
        var sink = new CollectingSink();

        RecordSourceException stopped = await Assert.ThrowsAsync<RecordSourceException>(
            () => TestRules.Build(TestRules.Rule("amount > 1")).RunAsync(source, sink, new RunOptions { BatchSize = 1, MaxDegreeOfParallelism = 1 }));

        Assert.Equal(DiagnosticIds.RecordTooLarge, stopped.Code);
        Assert.Contains("from line 4", stopped.Message, StringComparison.Ordinal);
        Assert.Equal([2L, 3L], sink.Clues.Select(c => c.Line));
    }
}
