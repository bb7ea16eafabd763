using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RuleEngine.Nats.Tests;

/// <summary>How a JetStream call rides through a cluster that fails for a while: retried until it answers, logged once each way.</summary>
public sealed class JetStreamRetryTests
{
    private static readonly NatsOptions Options = new();

    [Fact]
    public async Task TransientFailures_AreRetriedUntilTheCallAnswers_AndLogDegradedAndRecoveredOnceEach()
    {
        var time = new InstantTime();
        var log = new ListLogger();
        var health = new ClusterHealth(log, time);
        int calls = 0;

        // Two hundred failures: far longer than any fixed retry budget would allow at a 5 s ceiling.
        int result = await JetStreamRetry.RunAsync(
            _ => ++calls <= 200 ? throw new TimeoutException("leader election") : ValueTask.FromResult(42),
            Options,
            health,
            "fetch test",
            CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(201, calls);
        Assert.Equal(200, health.FailedAttempts);
        Assert.Single(log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("degraded", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.Level == LogLevel.Information && l.Text.Contains("recovered", StringComparison.Ordinal));
        Assert.All(log.Lines.Where(l => l.Text.Contains("retrying in", StringComparison.Ordinal)), l => Assert.Equal(LogLevel.Debug, l.Level));
        Assert.False(health.IsDegraded);
    }

    [Fact]
    public async Task ABlipMendedWithinASecond_IsLoggedAtDebugOnly()
    {
        var time = new InstantTime();
        var log = new ListLogger();
        var health = new ClusterHealth(log, time);
        int calls = 0;

        // Two failures: the waits (at most 100 and 200 ms) end well within the second of patience.
        await JetStreamRetry.RunAsync(_ => ++calls <= 2 ? throw new TimeoutException() : ValueTask.FromResult(true), Options, health, "create stream test", CancellationToken.None);

        Assert.DoesNotContain(log.Lines, l => l.Level > LogLevel.Debug);
        Assert.Equal((2L, 0L), (health.FailedAttempts, health.Outages));
    }

    [Fact]
    public async Task CallsThatGiveUp_LeaveTheStateDegradedUntilACallIsAnswered()
    {
        var time = new InstantTime();
        var log = new ListLogger();
        var health = new ClusterHealth(log, time);
        using var stop = new CancellationTokenSource();
        int calls = 0;
        Task<bool> failing = JetStreamRetry.RunAsync<bool>(
            _ =>
            {
                if (++calls == 30)
                {
                    stop.Cancel();
                }

                throw new TimeoutException();
            },
            Options,
            health,
            "fetch test",
            stop.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => failing);
        Assert.True(health.IsDegraded);
        Assert.DoesNotContain(log.Lines, l => l.Text.Contains("recovered", StringComparison.Ordinal));

        await JetStreamRetry.RunAsync(_ => ValueTask.FromResult(true), Options, health, "ack test", CancellationToken.None);

        Assert.False(health.IsDegraded);
        Assert.Single(log.Lines, l => l.Text.Contains("degraded", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.Text.Contains("recovered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Waits_GrowToTheCeiling_WithJitter()
    {
        var time = new InstantTime();
        int calls = 0;
        await JetStreamRetry.RunAsync(
            _ => ++calls <= 60 ? throw new TimeoutException() : ValueTask.FromResult(true),
            Options,
            new ClusterHealth(new ListLogger(), time),
            "publish test",
            CancellationToken.None);

        TimeSpan[] waits = [.. time.Waits];
        Assert.Equal(60, waits.Length);
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromMilliseconds(10), JetStreamRetry.MaxWait));
        Assert.True(waits[0] <= TimeSpan.FromMilliseconds(100), $"first wait {waits[0]}");

        // Past the ceiling the waits are spread (jitter), not all equal: failing calls do not retry in step.
        TimeSpan[] late = waits[20..];
        Assert.True(late.Distinct().Count() > 10, "waits at the ceiling are not jittered");
        Assert.True(late.Max() > TimeSpan.FromSeconds(3), $"largest late wait {late.Max()}");
    }

    [Fact]
    public async Task AnErrorRetryingCannotFix_IsThrownAtOnce()
    {
        var time = new InstantTime();
        int calls = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => JetStreamRetry.RunAsync<int>(
            _ =>
            {
                calls++;
                throw new InvalidOperationException("refused configuration");
            },
            Options,
            new ClusterHealth(new ListLogger(), time),
            "create consumer test",
            CancellationToken.None));
        Assert.Equal(1, calls);
        Assert.Empty(time.Waits);
    }

    [Fact]
    public async Task Cancelling_StopsTheRetries()
    {
        var time = new InstantTime();
        using var stop = new CancellationTokenSource();
        int calls = 0;
        Task<int> retrying = JetStreamRetry.RunAsync<int>(
            _ =>
            {
                if (++calls == 25)
                {
                    stop.Cancel();
                }

                throw new TimeoutException();
            },
            Options,
            new ClusterHealth(new ListLogger(), time),
            "ack test",
            stop.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => retrying);
        Assert.Equal(25, calls);
    }

    [Fact]
    public async Task ALimitedRetryTime_GivesUpWithTheLastError()
    {
        var time = new InstantTime();
        int calls = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => JetStreamRetry.RunAsync<int>(
            _ =>
            {
                calls++;
                throw new TimeoutException();
            },
            Options with { RetryFor = TimeSpan.FromSeconds(10) },
            new ClusterHealth(new ListLogger(), time),
            "stream info test",
            CancellationToken.None));

        // The clock moves only by the waits: it gave up at the first failure at or past 10 s, not before.
        TimeSpan waited = TimeSpan.FromTicks(time.Waits.Sum(w => w.Ticks));
        Assert.InRange(waited, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10) + JetStreamRetry.MaxWait);
        Assert.Equal(time.Waits.Count + 1, calls);
    }

    /// <summary>A clock whose timers fire at once (recording what they were asked to wait) and whose time moves only when told.</summary>
    private sealed class InstantTime : TimeProvider
    {
        private long _ticks;

        public ConcurrentQueue<TimeSpan> Waits { get; } = new();

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Waits.Enqueue(dueTime);
            Advance(dueTime);
            ThreadPool.UnsafeQueueUserWorkItem(_ => callback(state), null);
            return new Fired();
        }

        private sealed class Fired : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private sealed class ListLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Queue { get; } = new();

        public IReadOnlyList<(LogLevel Level, string Text)> Lines => [.. Queue];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Queue.Enqueue((logLevel, formatter(state, exception)));
    }
}
