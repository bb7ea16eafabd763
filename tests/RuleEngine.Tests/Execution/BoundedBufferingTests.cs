using RuleEngine.Clues;
using RuleEngine.Records;

namespace RuleEngine.Tests.Execution;

/// <summary>
/// S03: a slow sink makes the reader wait; records in flight stay within the pool of batches, so memory does not grow
/// with the input. The test checks the invariant on every record read, whatever the timing.
/// </summary>
public sealed class BoundedBufferingTests
{
    public sealed class Row
    {
        public required int Number { get; init; }
    }

    [Fact]
    public async Task With_a_slow_sink_the_reader_never_runs_more_than_the_pool_ahead()
    {
        const int BatchSize = 16;
        const int Parallelism = 2;
        const int Records = 5_000;
        int bound = ((Parallelism * 2) + 1 + 1) * BatchSize;
        var sink = new SlowSink();
        int maxAhead = 0;

        IEnumerable<Row> Rows()
        {
            for (int i = 1; i <= Records; i++)
            {
                maxAhead = Math.Max(maxAhead, i - (int)Interlocked.Read(ref sink.Written));
                yield return new Row { Number = i };
            }
        }

        RuleSet rules = new RuleSetBuilder()
            .AddDataset(Schema.DatasetSchema.FromType<Row>("rows"))
            .AddRule(new RuleDefinition("All", "rows", "number > 0"))
            .Build();

        RunSummary summary = await rules.RunAsync(RecordSource.FromObjects("rows", Rows()), sink, new RunOptions { BatchSize = BatchSize, MaxDegreeOfParallelism = Parallelism });

        Assert.Equal((Records, (long)Records), (summary.CluesEmitted, sink.Written));
        Assert.InRange(maxAhead, BatchSize, bound);
    }

    private sealed class SlowSink : IClueSink
    {
        public long Written;

        public async ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < 20; i++)
            {
                await Task.Yield();
            }

            Interlocked.Increment(ref Written);
        }
    }
}
