using System.Text;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

/// <summary>JSON Lines in GB18030 are read as CSV is (declared or detected), and their lines are accounted for.</summary>
public sealed class JsonLinesEncodingTests
{
    private static readonly string Lines = string.Join("\n", Enumerable.Range(1, 20).Select(i => $"{{\"case_no\":\"A{i}\",\"cause\":\"民间借贷纠纷\",\"plaintiff_name\":\"张三\",\"amount\":{i}}}")) + "\n\n";

    static JsonLinesEncodingTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static byte[] Gb18030(string text) => Encoding.GetEncoding(54936).GetBytes(text);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Gb18030_lines_are_read_whether_declared_or_detected(bool declared)
    {
        var options = new JsonLinesSourceOptions { Encoding = declared ? Encoding.GetEncoding(54936) : null };
        RecordSource source = RecordSource.JsonLines(new MemoryStream(Gb18030(Lines)), TestRules.Judgments, options);

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await TestRules.RunAsync(TestRules.Build(TestRules.Rule("cause = '民间借贷纠纷' AND amount > 0")), source);

        Assert.Equal((20L, 0L), (summary.RecordsRead, summary.RecordsRejected));
        Assert.Equal(20, clues.Count);
        Assert.Equal(new LineAccount(21, 0, 20, 1), summary.LinesPerDataset["judgments"]);
    }
}
