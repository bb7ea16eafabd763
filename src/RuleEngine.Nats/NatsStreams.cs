using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace RuleEngine.Nats;

/// <summary>Creates (or brings up to date) the three streams: records (kept, for replay), clues and dead letters (both de-duplicated by message id).</summary>
internal static class NatsStreams
{
    /// <summary>The header that marks the end of a load on one partition: no records follow in this load.</summary>
    public const string EndHeader = "RE-End";

    /// <summary>The header of an end marker that says how many data messages its partition had in the load.</summary>
    public const string CountHeader = "RE-Count";

    public static async Task EnsureAsync(INatsJSContext js, NatsTopology topology, ClusterHealth health, CancellationToken cancellationToken)
    {
        NatsOptions options = topology.Options;
        (string Name, string Subjects)[] streams =
        [
            (topology.RecordsStream, options.SubjectPrefix + ".records.>"),
            (topology.CluesStream, options.SubjectPrefix + ".clues.>"),
            (topology.DeadStream, options.SubjectPrefix + ".dead.>"),
        ];
        foreach ((string name, string subjects) in streams)
        {
            var config = new StreamConfig(name, [subjects])
            {
                Retention = StreamConfigRetention.Limits,
                Storage = options.Storage,
                NumReplicas = options.Replicas,
                DuplicateWindow = options.DuplicateWindow,
            };
            await JetStreamRetry.RunAsync(async token => await js.CreateOrUpdateStreamAsync(config, token).ConfigureAwait(false), options, health, "create stream " + name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks a publish's acknowledgement: stored, or a duplicate the stream already holds (both fine); an error throws.</summary>
    public static PubAckResponse Stored(PubAckResponse ack)
    {
        if (!ack.Duplicate)
        {
            ack.EnsureSuccess();
        }

        return ack;
    }

    public static bool IsEnd(NatsHeaders? headers) => headers is not null && headers.ContainsKey(EndHeader);
}
