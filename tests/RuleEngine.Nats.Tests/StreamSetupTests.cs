using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using RuleEngine.Nats.Tests.Support;
using RuleEngine.Schema;

namespace RuleEngine.Nats.Tests;

/// <summary>Setting up the streams: a cluster that disagrees with itself while it heals is waited out; a stream of someone else's is named.</summary>
public sealed class StreamSetupTests
{
    private static readonly StreamConfig Clues = new("RE_CLUES", ["re.clues.>"]);

    private static readonly NatsJSApiException Overlap = new(new ApiError { Code = 400, ErrCode = 10065, Description = "subjects overlap with an existing stream" });

    [Fact]
    public void A_refused_creation_of_a_stream_that_only_this_stream_holds_is_retried()
    {
        // What the cluster test met once in CI: a server said the stream was missing (so the client created it), then
        // refused the creation because it was there. Before, that ended the worker.
        Exception refused = NatsStreams.Refused(Clues, ["RE_CLUES"], Overlap);

        Assert.IsType<ClusterDisagreementException>(refused);
        Assert.True(JetStreamRetry.IsTransient(refused, CancellationToken.None));
        Assert.True(JetStreamRetry.IsTransient(NatsStreams.Refused(Clues, [], Overlap), CancellationToken.None));
    }

    [Fact]
    public void A_refused_creation_because_another_stream_holds_the_subjects_names_it_and_is_not_retried()
    {
        Exception refused = NatsStreams.Refused(Clues, ["RE_CLUES", "BILLING"], Overlap);

        var error = Assert.IsType<InvalidOperationException>(refused);
        Assert.Contains("'BILLING'", error.Message, StringComparison.Ordinal);
        Assert.Contains("SubjectPrefix", error.Message, StringComparison.Ordinal);
        Assert.False(JetStreamRetry.IsTransient(refused, CancellationToken.None));
    }

    [Fact]
    [Trait("Requires", "nats-server")]
    public async Task A_worker_on_a_server_where_another_stream_holds_its_subjects_fails_at_once_naming_that_stream()
    {
        DatasetSchema suits = DatasetSchema.Create("suits").Add("amount", FieldType.Decimal).Build();
        RuleSet rules = new RuleSetBuilder().AddDataset(suits).AddRule(new RuleDefinition("R1", "suits", "amount > 100")).Build();
        var options = new NatsOptions { Replicas = 1, Partitions = 1 };
        await using NatsCluster cluster = await NatsCluster.StartAsync(1);
        await using NatsConnection connection = cluster.Connect("test");
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("BILLING", ["re.clues.>"]) { NumReplicas = 1 });
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var worker = new NatsRuleWorker(connection, rules, new NatsWorkerOptions { Nats = options });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => worker.RunAsync(deadline.Token));

        Assert.Contains("'BILLING'", error.Message, StringComparison.Ordinal);
        Assert.False(deadline.IsCancellationRequested);
    }
}
