using System.Text.Json;
using NATS.Client.Core;
using RuleEngine.Nats.Tests.Support;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Nats.Tests;

public sealed class WorkerTopologyTests
{
    private static readonly DatasetSchema Suits = DatasetSchema.Create("suits")
        .Add("case_no", FieldType.String)
        .Add("plaintiff_id", FieldType.String)
        .Add("defendant_id", FieldType.String)
        .Add("amount", FieldType.Decimal)
        .Add("filing_date", FieldType.Date)
        .Build();

    private static readonly DatasetSchema Registry = DatasetSchema.Create("registry")
        .Add("person_id", FieldType.String)
        .Add("status", FieldType.String)
        .Build();

    [Fact]
    public void Worker_WindowRulesOfOneDatasetWithDifferentKeys_IsRefusedNamingThem()
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Suits)
            .AddRule(new RuleDefinition("W1", "suits", "amount > 0") { Window = new WindowDefinition("plaintiff_id", "filing_date", 365, "count() >= 3") })
            .AddRule(new RuleDefinition("W2", "suits", "amount > 0") { Window = new WindowDefinition("defendant_id", "filing_date", 365, "count() >= 3") })
            .Build();

        var e = Assert.Throws<ArgumentException>(() => new NatsRuleWorker(new NatsConnection(), rules, new NatsWorkerOptions()));
        Assert.Contains("defendant_id, plaintiff_id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Worker_MultiStageModel_IsRefusedNamingTheDerivingRule()
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Suits)
            .AddRule(new RuleDefinition("S1", "suits", "amount > 0") { Derive = new DeriveDefinition("big_suits", [new("plaintiff_id", "plaintiff_id")]) })
            .AddRule(new RuleDefinition("R1", "big_suits", "TRUE"))
            .Build();

        var e = Assert.Throws<NotSupportedException>(() => new NatsRuleWorker(new NatsConnection(), rules, new NatsWorkerOptions()));
        Assert.StartsWith("RE7101: Rule 'S1' derives dataset 'big_suits'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Worker_DatasetBothJoinedAndEvaluated_IsRefused()
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Suits).AddDataset(Registry)
            .AddRule(new RuleDefinition("J1", "suits", "r.status = '注销'") { Joins = [new JoinDefinition("registry", "r", JoinKind.Inner) { On = [("plaintiff_id", "person_id")] }] })
            .AddRule(new RuleDefinition("R1", "registry", "status IS NULL"))
            .Build();

        var e = Assert.Throws<NotSupportedException>(() => new NatsRuleWorker(new NatsConnection(), rules, new NatsWorkerOptions()));
        Assert.Contains("'registry'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(-1, 2)]
    [InlineData(0, 0)]
    public void Worker_NumberOutsideItsDeployment_IsRefused(int index, int count)
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Suits).AddRule(new RuleDefinition("R1", "suits", "amount > 0")).Build();

        Assert.ThrowsAny<ArgumentException>(() => new NatsRuleWorker(new NatsConnection(), rules, new NatsWorkerOptions { WorkerIndex = index, WorkerCount = count }));
    }

    [Fact]
    [Trait("Requires", "nats-server")]
    public async Task Worker_RecordThatCannotBeRead_ReachesTheDeadLetterStreamWithItsLineAndNoValues()
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Suits).AddRule(new RuleDefinition("R1", "suits", "amount > 100")).Build();
        var options = new NatsOptions { Replicas = 1, Partitions = 2 };
        await using NatsCluster cluster = await NatsCluster.StartAsync(1);
        await using NatsConnection connection = cluster.Connect("test");
        const string csv = "case_no,plaintiff_id,defendant_id,amount,filing_date\nA1,P1,D1,500,2024-01-02\nA2,P2,D2,abc,2024-01-03\nA3,P3,D3,50,2024-01-04\n";
        await new NatsRecordPublisher(connection, rules, options).PublishAsync(RecordSource.Csv(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), Suits));
        using var stop = new CancellationTokenSource();
        var worker = new NatsRuleWorker(connection, rules, new NatsWorkerOptions { Nats = options });
        Task running = worker.RunAsync(stop.Token);

        List<string> clues = await ReadWhenAsync(token => NatsClueReader.ReadCluesAsync(connection, options, token), 1);
        List<string> dead = await ReadWhenAsync(token => NatsClueReader.ReadDeadLettersAsync(connection, options, token), 1);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.Equal(2, JsonDocument.Parse(Assert.Single(clues)).RootElement.GetProperty("line").GetInt64());
        JsonElement letter = JsonDocument.Parse(Assert.Single(dead)).RootElement;
        Assert.Equal(3, letter.GetProperty("line").GetInt64());
        Assert.Equal("RE5004", letter.GetProperty("code").GetString());
        Assert.Equal("amount", letter.GetProperty("field").GetString());
        Assert.DoesNotContain("abc", dead[0], StringComparison.Ordinal);
    }

    /// <summary>Reads a stream until it holds at least <paramref name="count"/> messages (the worker is still on its way).</summary>
    private static async Task<List<string>> ReadWhenAsync(Func<CancellationToken, IAsyncEnumerable<string>> read, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var lines = new List<string>();
            try
            {
                await foreach (string line in read(deadline.Token))
                {
                    lines.Add(line);
                }
            }
            catch (NATS.Client.JetStream.NatsJSApiException)
            {
                // The stream is not there yet.
            }

            if (lines.Count >= count)
            {
                return lines;
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
