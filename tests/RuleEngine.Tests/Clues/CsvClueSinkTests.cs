using System.Text;
using RuleEngine.Clues;
using RuleEngine.Schema;

namespace RuleEngine.Tests.Clues;

public sealed class CsvClueSinkTests
{
    private static Clue Clue(string title, string subject) => new()
    {
        ModelId = "M1",
        RuleId = "M1.R1",
        RuleVersion = "1.0",
        Dataset = "suits",
        Line = 7,
        SubjectKey = subject,
        Fingerprint = "abc",
        Title = title,
        Evidence = [new EvidenceValue("amount", 1500.5m, "suits", 7), new EvidenceValue("name", "张*", "suits", 7) { Personal = PersonalDataKind.Name }],
        Explanation = [],
    };

    private static async Task<string[]> WriteAsync(params Clue[] clues)
    {
        // A run hands the sink a token that can be cancelled.
        using var run = new CancellationTokenSource();
        using var stream = new MemoryStream();
        await using (var sink = new CsvClueSink(stream))
        {
            foreach (Clue clue in clues)
            {
                await sink.WriteAsync(clue, run.Token);
            }
        }

        byte[] bytes = stream.ToArray();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        return Encoding.UTF8.GetString(bytes[3..]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task A_run_without_clues_still_writes_the_header()
    {
        string[] lines = await WriteAsync();

        Assert.Equal(["model,rule,version,dataset,line,subject,fingerprint,severity,title,action,evidence"], lines);
    }

    [Fact]
    public async Task Cells_are_quoted_as_RFC_4180_asks_and_formulas_are_defused()
    {
        string[] lines = await WriteAsync(Clue("=HYPERLINK(\"http://x\",\"点击\")", "a,b"), Clue("普通线索", "-1"));

        Assert.Equal("M1,M1.R1,1.0,suits,7,\"a,b\",abc,medium,\"'=HYPERLINK(\"\"http://x\"\",\"\"点击\"\")\",,amount=1500.5; name=张*", lines[1]);
        Assert.Equal("M1,M1.R1,1.0,suits,7,'-1,abc,medium,普通线索,,amount=1500.5; name=张*", lines[2]);
    }

    [Fact]
    public async Task An_appended_file_gets_its_rows_without_a_second_header_or_byte_order_mark()
    {
        using var stream = new MemoryStream();
        await using (var first = new CsvClueSink(stream))
        {
            await first.WriteAsync(Clue("第一次运行", "a"));
        }

        await using (var resumed = new CsvClueSink(stream, append: true))
        {
            await resumed.WriteAsync(Clue("续跑", "b"));
        }

        byte[] bytes = stream.ToArray();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        Assert.Equal(
            [
                "model,rule,version,dataset,line,subject,fingerprint,severity,title,action,evidence",
                "M1,M1.R1,1.0,suits,7,a,abc,medium,第一次运行,,amount=1500.5; name=张*",
                "M1,M1.R1,1.0,suits,7,b,abc,medium,续跑,,amount=1500.5; name=张*",
            ],
            Encoding.UTF8.GetString(bytes[3..]).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task After_a_failed_write_was_reported_the_sink_writes_nothing_more_and_disposing_does_not_report_it_again()
    {
        var stream = new FailingStream();
        var sink = new CsvClueSink(stream, ownsStream: true);
        // Rows reach the stream 64 K characters at a time: the write that fails is the one that fills the buffer.
        IOException reported = await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                await sink.WriteAsync(Clue("民间借贷", "110105********002X"));
            }
        });
        Assert.Equal("No space left on device", reported.Message);
        int writes = stream.Writes;

        await Assert.ThrowsAsync<IOException>(() => sink.WriteAsync(Clue("民间借贷", "110105********002X")).AsTask());
        await Assert.ThrowsAsync<IOException>(() => sink.FlushAsync().AsTask());
        await sink.DisposeAsync();

        Assert.Equal(writes, stream.Writes);
    }

    /// <summary>A stream on a full disk: every write fails, and is counted.</summary>
    private sealed class FailingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            throw new IOException("No space left on device");
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            return ValueTask.FromException(new IOException("No space left on device"));
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
