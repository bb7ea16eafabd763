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
