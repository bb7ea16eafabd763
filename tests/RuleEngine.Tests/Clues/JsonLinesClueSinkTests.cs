using System.Text;
using RuleEngine.Clues;

namespace RuleEngine.Tests.Clues;

public sealed class JsonLinesClueSinkTests
{
    private static Clue Clue(int line) => new()
    {
        RuleId = "M1.R1",
        RuleVersion = "1",
        Dataset = "suits",
        Line = line,
        SubjectKey = "110105********002X",
        Fingerprint = "0123456789abcdef0123456789abcdef",
        Title = $"民间借贷 第 {line} 件",
        Evidence = [new EvidenceValue("amount", 1500.5m + line, "suits", line)],
        Explanation = [new ConditionOutcome("amount > 0", true)],
    };

    private static string[] Lines(MemoryStream stream) =>
        Encoding.UTF8.GetString(stream.ToArray()).Split('\n')[..^1];

    [Fact]
    public async Task Every_clue_is_one_line_in_order_however_many_reach_the_stream_together()
    {
        Clue[] clues = [.. Enumerable.Range(1, 3000).Select(Clue)];
        using var stream = new MemoryStream();
        await using (var sink = new JsonLinesClueSink(stream))
        {
            foreach (Clue clue in clues)
            {
                await sink.WriteAsync(clue);
            }

            Assert.Equal(3000, sink.Count);
        }

        Assert.True(stream.Length > 128 * 1024, "the clues outgrow one write");
        Assert.Equal(clues.Select(JsonLinesClueSink.Format), Lines(stream));
    }

    [Fact]
    public async Task Flushing_puts_every_clue_written_so_far_into_the_stream_and_disposing_leaves_a_callers_stream_open()
    {
        using var stream = new MemoryStream();
        var sink = new JsonLinesClueSink(stream);
        await sink.WriteAsync(Clue(1));
        await sink.WriteAsync(Clue(2));

        await sink.FlushAsync();
        Assert.Equal([JsonLinesClueSink.Format(Clue(1)), JsonLinesClueSink.Format(Clue(2))], Lines(stream));

        await sink.WriteAsync(Clue(3));
        await sink.DisposeAsync();
        Assert.True(stream.CanWrite);
        Assert.Equal(3, Lines(stream).Length);
    }
}
