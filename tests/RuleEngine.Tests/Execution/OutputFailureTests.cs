using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>S06/S07: a failing clue sink or dead-letter sink stops the run with a code; nothing goes on being lost.</summary>
public sealed class OutputFailureTests
{
    private static readonly string Csv = "case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n"
        + string.Concat(Enumerable.Range(1, 50).Select(i => $"A{i},盗窃罪,,,,{i},,{(i % 10 == 0 ? 0 : 1)},,,\n"));

    private static readonly RuleSet Rules = TestRules.Build(TestRules.Rule("amount / months > 0"));

    [Fact]
    public async Task A_clue_sink_that_fails_stops_the_run_with_RE5013_after_every_earlier_clue()
    {
        var sink = new FailingSink(failAt: 5);

        RunOutputException stopped = await Assert.ThrowsAsync<RunOutputException>(() => Rules.RunAsync(TestRules.Csv(Csv), sink, new RunOptions { BatchSize = 4 }));

        Assert.Equal(DiagnosticIds.OutputWriteFailed, stopped.Code);
        Assert.Equal([2L, 3L, 4L, 5L], sink.Written.Select(c => c.Line));
        Assert.True(stopped.Summary!.StoppedByPolicy);
        Assert.IsType<IOException>(stopped.InnerException);
    }

    [Fact]
    public async Task A_dead_letter_sink_that_fails_stops_the_run_with_RE5014()
    {
        RunOutputException stopped = await Assert.ThrowsAsync<RunOutputException>(
            () => Rules.RunAsync(TestRules.Csv(Csv), new CollectingSink(), new RunOptions { DeadLetters = new FailingDeadLetters() }));

        Assert.Equal(DiagnosticIds.DeadLetterUnavailable, stopped.Code);
        Assert.Contains("judgments:11", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_has_its_sink_write_out_what_it_holds_once_after_the_last_clue()
    {
        var sink = new HoldingSink();

        RunSummary summary = await Rules.RunAsync(TestRules.Csv(Csv), sink, new RunOptions { BatchSize = 4 });

        Assert.Equal(45, summary.CluesEmitted);
        Assert.Empty(sink.Held);
        Assert.Equal(1, sink.Flushes);
        Assert.Equal(45, sink.WrittenOut.Count);
    }

    [Fact]
    public async Task A_file_that_cannot_take_the_last_clues_fails_the_run_with_RE5013_and_its_summary_and_says_so_once()
    {
        // Every clue fits the sink's buffer, so nothing reaches the stream before the run ends: the failure can only be
        // the run's flush. Before, the run reported success and the failure came out of the sink's disposal.
        await using var sink = new JsonLinesClueSink(new FullDisk());

        RunOutputException stopped = await Assert.ThrowsAsync<RunOutputException>(() => Rules.RunAsync(TestRules.Csv(Csv), sink));

        Assert.Equal(DiagnosticIds.OutputWriteFailed, stopped.Code);
        Assert.IsType<IOException>(stopped.InnerException);
        Assert.Equal(45, stopped.Summary!.CluesEmitted);
        Assert.Equal(45, sink.Count);
        await sink.DisposeAsync();
    }

    [Fact]
    public async Task A_dead_letter_file_that_cannot_take_the_last_failures_fails_the_run_with_RE5014_and_says_so_once()
    {
        // The stream holds 4 KB before it writes: the five rule errors reach the disk only when the run flushes them.
        await using var deadLetters = new JsonLinesDeadLetterSink(new BufferedStream(new FullDisk(), 4096), ownsStream: true);

        RunOutputException stopped = await Assert.ThrowsAsync<RunOutputException>(() => Rules.RunAsync(TestRules.Csv(Csv), new CollectingSink(), new RunOptions { DeadLetters = deadLetters }));

        Assert.Equal(DiagnosticIds.DeadLetterUnavailable, stopped.Code);
        Assert.Equal(5, stopped.Summary!.RuleErrors);
        Assert.Equal(5, deadLetters.Count);
        await deadLetters.DisposeAsync();
    }

    [Theory]
    [InlineData(200)] // while the start is sampled for its encoding
    [InlineData(100_000)] // among the records
    public async Task An_input_that_fails_stops_the_run_with_its_dataset_and_RE5001(int failAt)
    {
        // A disk error or a network share gone: the stream itself throws.
        string csv = Csv + string.Concat(Enumerable.Range(51, 4000).Select(i => $"A{i},盗窃罪,,,,{i},,1,,,\n"));
        var input = new FailingAfter(System.Text.Encoding.UTF8.GetBytes(csv), failAt);

        RecordSourceException stopped = await Assert.ThrowsAsync<RecordSourceException>(() => Rules.RunAsync(RecordSource.Csv(input, TestRules.Judgments), new CollectingSink()));

        Assert.Equal(DiagnosticIds.MalformedRecord, stopped.Code);
        Assert.Equal("judgments", stopped.Dataset);
        Assert.Contains("The input could not be read (IOException: Input/output error)", stopped.Message, StringComparison.Ordinal);
    }

    /// <summary>A stream that gives its first bytes, then fails as a broken disk does.</summary>
    private sealed class FailingAfter(byte[] bytes, int failAt) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) =>
            Position >= failAt ? throw new IOException("Input/output error") : base.Read(buffer, offset, (int)Math.Min(count, failAt - Position));

        public override int Read(Span<byte> buffer)
        {
            byte[] read = new byte[buffer.Length];
            int count = Read(read, 0, read.Length);
            read.AsSpan(0, count).CopyTo(buffer);
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));
    }

    private sealed class HoldingSink : IClueSink
    {
        public List<Clue> Held { get; } = [];

        public List<Clue> WrittenOut { get; } = [];

        public int Flushes { get; private set; }

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            Held.Add(clue);
            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken = default)
        {
            Flushes++;
            WrittenOut.AddRange(Held);
            Held.Clear();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A stream on a full disk: every write fails.</summary>
    private sealed class FullDisk : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException(new IOException("No space left on device"));
    }

    private sealed class FailingSink(int failAt) : IClueSink
    {
        public List<Clue> Written { get; } = [];

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            if (Written.Count + 1 == failAt)
            {
                throw new IOException("No space left on device");
            }

            Written.Add(clue);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FailingDeadLetters : IDeadLetterSink
    {
        public ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken = default) => throw new IOException("The dead-letter disk is full");
    }
}
