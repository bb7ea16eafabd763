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

    /// <summary>JetStream's error codes for "stream name already in use with a different configuration" and "subjects overlap with an existing stream".</summary>
    private const int NameInUse = 10058, SubjectsOverlap = 10065;

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
            await JetStreamRetry.RunAsync(token => CreateOrUpdateAsync(js, config, token), options, health, "create stream " + name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What a refused creation means (JetStream's "stream name already in use", "subjects overlap with an existing
    /// stream"), given the streams that hold the subjects now: a stream of another name holding them is a configuration
    /// error, said as such; otherwise the stream is ours and the cluster disagreed with itself, which is retried.
    /// </summary>
    internal static Exception Refused(StreamConfig config, IReadOnlyCollection<string> holders, NatsJSApiException refusal) =>
        holders.FirstOrDefault(h => h != config.Name) is { } other
            ? new InvalidOperationException($"JetStream stream '{other}' already holds the subjects {string.Join(", ", config.Subjects ?? [])} that stream '{config.Name}' needs: give this cluster's options another SubjectPrefix.", refusal)
            : new ClusterDisagreementException($"The cluster answered that stream '{config.Name}' is not there, then refused to create it because it is.", refusal);

    /// <summary>
    /// Creates or updates one stream. The client asks for an update and, when told the stream is not there, creates it.
    /// While a stream's leader is being elected (a server killed), a server has answered the first "not there" and
    /// then refused the creation because the stream is there: that is retried, until the cluster agrees and the update
    /// goes through.
    /// </summary>
    private static async ValueTask CreateOrUpdateAsync(INatsJSContext js, StreamConfig config, CancellationToken cancellationToken)
    {
        try
        {
            await js.CreateOrUpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.ErrCode is NameInUse or SubjectsOverlap)
        {
            var holders = new List<string>();
            foreach (string subject in config.Subjects ?? [])
            {
                await foreach (string holder in js.ListStreamNamesAsync(subject, cancellationToken).ConfigureAwait(false))
                {
                    holders.Add(holder);
                }
            }

            throw Refused(config, holders, e);
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
