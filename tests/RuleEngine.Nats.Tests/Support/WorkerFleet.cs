using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace RuleEngine.Nats.Tests.Support;

/// <summary>Workers of one deployment, each with its own connection, that a test can kill (connection dropped without a drain) and start again.</summary>
internal sealed class WorkerFleet(NatsCluster cluster, RuleSet rules, NatsOptions options, int count, Xunit.Abstractions.ITestOutputHelper output) : IAsyncDisposable
{
    private readonly Slot[] _slots = [.. Enumerable.Range(0, count).Select(_ => new Slot())];
    private readonly List<NatsWorkerStatistics> _retired = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public void StartAll()
    {
        for (int i = 0; i < count; i++)
        {
            Start(i);
        }
    }

    public void Start(int index)
    {
        Slot slot = _slots[index];
        slot.Connection = cluster.Connect($"worker-{index}");
        slot.Worker = new NatsRuleWorker(slot.Connection, rules, new NatsWorkerOptions { Nats = options, WorkerIndex = index, WorkerCount = count }, new TestLogger<NatsRuleWorker>(output, $"worker-{index}", _clock));
        slot.Stop = new CancellationTokenSource();
        slot.Running = slot.Worker.RunAsync(slot.Stop.Token);
    }

    /// <summary>Kills a worker as a crash would: its connection is dropped first, so nothing more is published or acknowledged.</summary>
    public async Task KillAsync(int index)
    {
        Slot slot = _slots[index];
        await slot.Stop!.CancelAsync();
        try
        {
            await slot.Connection!.DisposeAsync();
        }
        catch (NatsException)
        {
            // A connection torn down mid-flight may not say goodbye in time: as with a crash.
        }

        try
        {
            await slot.Running!;
        }
        catch (Exception e) when (e is OperationCanceledException or NatsWorkerException or ObjectDisposedException)
        {
        }

        _retired.Add(slot.Worker!.Statistics);
        slot.Stop.Dispose();
    }

    public NatsWorkerStatistics Total()
    {
        IEnumerable<NatsWorkerStatistics> all = _retired.Concat(_slots.Where(s => s.Worker is not null).Select(s => s.Worker!.Statistics));
        return all.Aggregate(new NatsWorkerStatistics(0, 0, 0, 0, 0, 0, 0, 0), (a, b) => new NatsWorkerStatistics(
            a.MessagesAcknowledged + b.MessagesAcknowledged, a.Entries + b.Entries, a.ReplayedEntries + b.ReplayedEntries, a.CluesPublished + b.CluesPublished,
            a.DuplicateClues + b.DuplicateClues, a.DeadLetters + b.DeadLetters, a.LoadsFinished + b.LoadsFinished, Math.Max(a.PeakWindowState, b.PeakWindowState)));
    }

    /// <summary>Waits until the workers have evaluated this many entries (a point in the run to inject a failure at).</summary>
    public void Note(string text) => new TestLogger<WorkerFleet>(output, "test", _clock).LogInformation("{Text}: {Statistics}", text, Total());

    /// <remarks>
    /// A publisher that failed fails the wait with its own exception; a wait that runs out says how far the workers
    /// got and what the publisher was doing, rather than only that a task was cancelled.
    /// </remarks>
    public async Task WaitForEntriesAsync(long entries, Task publishing)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Total().Entries < entries)
        {
            ThrowIfAnyFailed();
            if (publishing.IsFaulted)
            {
                await publishing;
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"The workers evaluated {Total().Entries} of the {entries} entries waited for in 5 minutes; publishing: {publishing.Status}; {Total()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A logger that writes to the test's output on the fleet's clock, for the publisher beside the workers.</summary>
    public ILogger<T> Logger<T>(string name) => new TestLogger<T>(output, name, _clock);

    /// <summary>Waits until every consumer of the deployment has nothing pending and nothing unacknowledged.</summary>
    public async Task WaitUntilDrainedAsync(INatsJSContext js, RuleSet ruleSet, NatsOptions natsOptions)
    {
        var topology = new NatsTopology(ruleSet, natsOptions);
        string[] consumers = [.. topology.ConsumerNames];
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            ThrowIfAnyFailed();
            var waiting = new List<string>();
            foreach (string name in consumers)
            {
                try
                {
                    INatsJSConsumer consumer = await js.GetConsumerAsync(topology.RecordsStream, name);
                    if (consumer.Info.NumPending > 0 || consumer.Info.NumAckPending > 0)
                    {
                        waiting.Add($"{name}: {consumer.Info.NumPending} pending, {consumer.Info.NumAckPending} unacknowledged, {consumer.Info.NumRedelivered} redelivered, {consumer.Info.NumWaiting} pulls waiting");
                    }
                }
                catch (NatsException e)
                {
                    waiting.Add($"{name}: {e.GetType().Name}");
                }
            }

            if (waiting.Count == 0)
            {
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(4))
            {
                throw new TimeoutException("Consumers not drained after 4 minutes: " + string.Join("; ", waiting) + $"; workers: {Total()}");
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Slot slot in _slots.Where(s => s.Running is not null))
        {
            await slot.Stop!.CancelAsync();
            try
            {
                await slot.Running!;
            }
            catch (Exception e) when (e is OperationCanceledException or NatsWorkerException)
            {
            }

            await slot.Connection!.DisposeAsync();
            slot.Stop.Dispose();
        }
    }

    private void ThrowIfAnyFailed()
    {
        foreach (Slot slot in _slots)
        {
            if (slot.Running is { IsFaulted: true } failed && !slot.Stop!.IsCancellationRequested)
            {
                failed.GetAwaiter().GetResult();
            }
        }
    }

    private sealed class Slot
    {
        public NatsConnection? Connection { get; set; }

        public NatsRuleWorker? Worker { get; set; }

        public CancellationTokenSource? Stop { get; set; }

        public Task? Running { get; set; }
    }
}
