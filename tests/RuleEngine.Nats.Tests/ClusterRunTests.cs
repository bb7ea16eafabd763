using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using RuleEngine.Nats.Tests.Support;
using RuleEngine.Records;

namespace RuleEngine.Nats.Tests;

/// <summary>
/// The sample models on a real 3-server JetStream cluster, with workers killed and the stream leader killed during the
/// run: the clue stream must end up holding exactly the in-process engine's clues, each once.
/// </summary>
[Trait("Requires", "nats-server")]
public sealed class ClusterRunTests(GeneratedLoad load, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<GeneratedLoad>
{
    private static readonly NatsOptions Options = new() { Partitions = 6, Replicas = 3, AckWait = TimeSpan.FromSeconds(4), RecordsPerMessage = 500 };

    [Fact]
    public void GeneratedLoad_HasAtLeastAMillionRecordsAndClues()
    {
        Assert.True(load.Records >= 1_000_000, $"{load.Records} records");
        Assert.NotEmpty(load.ExpectedClues);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Workers_OneKilledMidRunAndTheStreamLeaderKilled_StoreExactlyTheInProcessClues(int workers)
    {
        await using NatsCluster cluster = await NatsCluster.StartAsync();
        await using var fleet = new WorkerFleet(cluster, load.Rules, Options, workers, output);
        fleet.StartAll();

        await using NatsConnection connection = cluster.Connect("publisher");
        var publisher = new NatsRecordPublisher(connection, load.Rules, Options, fleet.Logger<NatsRecordPublisher>("publisher"));
        Task publishing = PublishAllAsync(publisher);

        // A worker dies mid-run (no goodbye: its connection drops, its unacknowledged messages time out) and comes back.
        await fleet.WaitForEntriesAsync(load.Records / 4, publishing);
        fleet.Note("killing a worker");
        await fleet.KillAsync(workers - 1);
        fleet.Start(workers - 1);

        // Then the server leading the records stream is killed; the other two elect a new leader and carry on.
        await fleet.WaitForEntriesAsync(load.Records / 2, publishing);
        var js = new NatsJSContext(connection);
        NatsCluster.Node leader = await cluster.StreamLeaderAsync(js, "RE_RECORDS");
        fleet.Note($"killing the stream leader {leader.Name}");
        leader.Kill();

        await publishing;
        fleet.Note("published");
        await fleet.WaitUntilDrainedAsync(js, load.Rules, Options);
        leader.Restart();

        List<string> stored = await ReadCluesAsync(connection);
        stored.Sort(StringComparer.Ordinal);
        Assert.True(load.ExpectedClues.SequenceEqual(stored), Difference(load.ExpectedClues, stored) + $"; workers: {fleet.Total()}");
        NatsWorkerStatistics total = fleet.Total();
        Assert.True(total.Entries >= load.EvaluatedRecords, $"{total.Entries} entries evaluated of {load.EvaluatedRecords}");
        Assert.True(total.LoadsFinished >= 2 * Options.Partitions, $"{total.LoadsFinished} partition loads finished");
        Assert.InRange(total.PeakWindowState, 1, new RunOptions().MaxWindowState);
        Assert.Empty(await ReadDeadLettersAsync(connection));
    }

    [Fact]
    public async Task WorkerProcess_KilledWithSigkillMidRunAndStartedAgain_StoresExactlyTheInProcessClues()
    {
        await using NatsCluster cluster = await NatsCluster.StartAsync();
        await using var fleet = new WorkerFleet(cluster, load.Rules, Options, 2, output);
        fleet.Start(0);
        WorkerProcess process = WorkerProcess.Start(load.ModelsFolder, cluster.Urls, 1, 2, Options);
        try
        {
            await using NatsConnection connection = cluster.Connect("publisher");
            Task publishing = PublishAllAsync(new NatsRecordPublisher(connection, load.Rules, Options, fleet.Logger<NatsRecordPublisher>("publisher")));

            // Worker 1 is a process of its own; SIGKILL it while the run is in full flow, then start it again.
            await fleet.WaitForEntriesAsync(load.EvaluatedRecords / 5, publishing);
            fleet.Note($"killing worker process {process.Pid}");
            process.Kill();
            string killed = process.Output();
            process.Dispose();
            process = WorkerProcess.Start(load.ModelsFolder, cluster.Urls, 1, 2, Options);

            await publishing;
            var js = new NatsJSContext(connection);
            await fleet.WaitUntilDrainedAsync(js, load.Rules, Options);

            List<string> stored = await ReadCluesAsync(connection);
            stored.Sort(StringComparer.Ordinal);
            Assert.True(load.ExpectedClues.SequenceEqual(stored), Difference(load.ExpectedClues, stored) + $"\nkilled worker's log:\n{killed}\nrestarted worker's log:\n{process.Output()}");
            Assert.Empty(await ReadDeadLettersAsync(connection));
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Which rules' clues differ, and one example each way: a failure message that says where to look.</summary>
    private static string Difference(IReadOnlyList<string> expected, List<string> stored)
    {
        static string Rule(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("rule").GetString()!;
        var missing = expected.Except(stored).ToList();
        var extra = stored.Except(expected).ToList();
        var duplicates = stored.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        return $"{expected.Count} clues expected, {stored.Count} stored; missing {missing.Count} ({string.Join(", ", missing.GroupBy(Rule).Select(g => $"{g.Key}×{g.Count()}"))}), "
            + $"extra {extra.Count} ({string.Join(", ", extra.GroupBy(Rule).Select(g => $"{g.Key}×{g.Count()}"))}), stored twice {duplicates.Count} ({string.Join(", ", duplicates.GroupBy(Rule).Select(g => $"{g.Key}×{g.Count()}"))}); "
            + $"first extra: {extra.Concat(duplicates).FirstOrDefault()}";
    }

    // The library retries a healing cluster until cancelled; the tests give each step a deadline, so a cluster that
    // does not heal fails the test with the step named instead of hanging the run.
    private static readonly TimeSpan StepDeadline = TimeSpan.FromMinutes(5);

    private async Task PublishAllAsync(NatsRecordPublisher publisher)
    {
        using var deadline = new CancellationTokenSource(StepDeadline);
        foreach (RecordSource source in load.Sources())
        {
            await publisher.PublishAsync(source, new NatsPublishOptions { LoadId = "load1" }, deadline.Token);
        }
    }

    private static async Task<List<string>> ReadCluesAsync(NatsConnection connection)
    {
        using var deadline = new CancellationTokenSource(StepDeadline);
        var lines = new List<string>();
        await foreach (string line in NatsClueReader.ReadCluesAsync(connection, Options, deadline.Token))
        {
            lines.Add(line);
        }

        return lines;
    }

    private static async Task<List<string>> ReadDeadLettersAsync(NatsConnection connection)
    {
        using var deadline = new CancellationTokenSource(StepDeadline);
        var lines = new List<string>();
        await foreach (string line in NatsClueReader.ReadDeadLettersAsync(connection, Options, deadline.Token))
        {
            lines.Add(line);
        }

        return lines;
    }
}
