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

    [Fact]
    public async Task Texts_a_rule_repeats_are_written_escaped_like_any_other_whether_the_same_or_made_anew()
    {
        // Two shared condition texts that need escaping, alternating, and a rule id and field made anew for each clue.
        string[] conditions = ["note = '\"引号\"' AND path LIKE 'C:\\%'", "remark = '换行\n' OR amount > 0"];
        Clue[] clues = [.. Enumerable.Range(1, 600).Select(line => Clue(line) with
        {
            RuleId = string.Concat("M1.", (line % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Evidence = [new EvidenceValue(string.Concat("备", "注"), "值\"", "suits", line)],
            Explanation = [new ConditionOutcome(conditions[line % 2], true), new ConditionOutcome(conditions[(line + 1) % 2], false)],
        })];
        using var stream = new MemoryStream();
        await using (var sink = new JsonLinesClueSink(stream))
        {
            foreach (Clue clue in clues)
            {
                await sink.WriteAsync(clue);
            }
        }

        string[] lines = Lines(stream);
        Assert.Equal(clues.Select(JsonLinesClueSink.Format), lines);
        for (int i = 0; i < clues.Length; i++)
        {
            using var json = System.Text.Json.JsonDocument.Parse(lines[i]);
            Assert.Equal(clues[i].RuleId, json.RootElement.GetProperty("rule").GetString());
            Assert.Equal("备注", json.RootElement.GetProperty("evidence")[0].GetProperty("field").GetString());
            Assert.Equal(conditions[(i + 1) % 2], json.RootElement.GetProperty("explanation")[0].GetProperty("condition").GetString());
            Assert.Equal(conditions[i % 2], json.RootElement.GetProperty("explanation")[1].GetProperty("condition").GetString());
        }
    }

    [Fact]
    public async Task The_stream_gets_one_write_at_a_time_in_order_while_the_next_clues_gather()
    {
        Clue[] clues = [.. Enumerable.Range(1, 3000).Select(Clue)];
        var stream = new GatedStream();
        var sink = new JsonLinesClueSink(stream);
        int gathered = 0;
        foreach (Clue clue in clues)
        {
            ValueTask writing = sink.WriteAsync(clue);
            if (!writing.IsCompleted)
            {
                // The sink waits for the write before: clues went on gathering while it was under way.
                Assert.True(stream.UnderWay == 1 && gathered > 0);
                stream.Release();
            }

            await writing;
            gathered = stream.UnderWay == 1 ? gathered + 1 : 0;
        }

        stream.Open();
        await sink.DisposeAsync();

        Assert.True(stream.Writes > 2, "the clues took several writes");
        Assert.Equal(1, stream.MostAtOnce);
        Assert.Equal(clues.Select(JsonLinesClueSink.Format), Encoding.UTF8.GetString(stream.ToArray()).Split('\n')[..^1]);
    }

    [Fact]
    public async Task A_write_that_fails_fails_the_sink_and_is_never_swallowed()
    {
        var stream = new GatedStream { FailAfter = 1 };
        stream.Open();
        var sink = new JsonLinesClueSink(stream);
        Exception? failure = null;
        try
        {
            foreach (Clue clue in Enumerable.Range(1, 3000).Select(Clue))
            {
                await sink.WriteAsync(clue);
            }
        }
        catch (IOException e)
        {
            failure = e;
        }

        failure ??= await Record.ExceptionAsync(() => sink.DisposeAsync().AsTask());
        Assert.IsType<IOException>(failure);
    }

    [Fact]
    public async Task After_a_failed_write_was_reported_the_sink_writes_nothing_more_and_disposing_does_not_report_it_again()
    {
        var stream = new GatedStream { FailAfter = 1 };
        stream.Open();
        var sink = new JsonLinesClueSink(stream, ownsStream: true);
        IOException reported = await Assert.ThrowsAsync<IOException>(async () =>
        {
            foreach (Clue clue in Enumerable.Range(1, 3000).Select(Clue))
            {
                await sink.WriteAsync(clue);
            }
        });
        Assert.Equal("The disk is full.", reported.Message);
        int writes = stream.Writes;

        await Assert.ThrowsAsync<IOException>(() => sink.WriteAsync(Clue(1)).AsTask());
        await Assert.ThrowsAsync<IOException>(() => sink.FlushAsync().AsTask());
        await sink.DisposeAsync();

        Assert.Equal(writes, stream.Writes);
    }

    /// <summary>A stream whose writes finish when the test lets them, and which counts how many are under way at once.</summary>
    private sealed class GatedStream : MemoryStream
    {
        private readonly SemaphoreSlim _gate = new(0);
        private int _underWay;
        private volatile bool _open;

        public int UnderWay => Volatile.Read(ref _underWay);

        public int MostAtOnce { get; private set; }

        public int Writes { get; private set; }

        public int FailAfter { get; init; } = int.MaxValue;

        public void Release() => _gate.Release();

        public void Open()
        {
            _open = true;
            _gate.Release(1000);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            MostAtOnce = Math.Max(MostAtOnce, Interlocked.Increment(ref _underWay));
            try
            {
                if (!_open)
                {
                    await _gate.WaitAsync(cancellationToken);
                }

                if (++Writes > FailAfter)
                {
                    throw new IOException("The disk is full.");
                }

                Write(buffer.Span);
            }
            finally
            {
                Interlocked.Decrement(ref _underWay);
            }
        }
    }
}
