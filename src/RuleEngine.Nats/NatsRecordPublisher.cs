using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using RuleEngine.Records;

namespace RuleEngine.Nats;

/// <summary>
/// Writes a dataset's records to the records stream in compact binary batches (<see cref="RecordBatch"/>, hundreds
/// of records per message), partitioned by the window key of the rule set's window rules, and marks the end of the
/// load on every partition. Each message has an id made of the load, dataset, partition and batch number, so a
/// publish retried through a leader election, or a whole load published again with the same
/// <see cref="NatsPublishOptions.LoadId"/>, is stored once. Within a partition, messages are stored in input order.
/// </summary>
public sealed class NatsRecordPublisher
{
    private readonly INatsJSContext _js;
    private readonly NatsTopology _topology;
    private readonly ClusterHealth _health;
    private bool _streamsReady;

    /// <summary>Initializes a new instance of the <see cref="NatsRecordPublisher"/> class.</summary>
    /// <param name="connection">A connection to the cluster (give it every server's URL so it can fail over).</param>
    /// <param name="rules">The rule set the records are for: it decides which datasets are partitioned, and by which field.</param>
    /// <param name="options">Streams, subjects and partitions; <see langword="null"/> for the defaults. Workers must use equal options.</param>
    /// <param name="logger">Where progress is logged (counts and names, never record values); <see langword="null"/> for none.</param>
    public NatsRecordPublisher(INatsConnection connection, RuleSet rules, NatsOptions? options = null, ILogger<NatsRecordPublisher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _topology = new NatsTopology(rules, options ?? new NatsOptions());
        _js = new NatsJSContext(connection);
        _health = new ClusterHealth(logger ?? (ILogger)NullLogger.Instance);
    }

    /// <summary>Publishes every record of a source, then an end-of-load marker on each of the dataset's partitions.</summary>
    /// <param name="source">The records; a dataset of the rule set.</param>
    /// <param name="options">The load's id; <see langword="null"/> for a new one.</param>
    /// <param name="cancellationToken">Stops publishing; what was stored stays stored.</param>
    /// <returns>What was published.</returns>
    /// <exception cref="ArgumentException">The source's dataset is not one of the rule set's.</exception>
    public async Task<NatsPublishSummary> PublishAsync(RecordSource source, NatsPublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!_topology.Schemas.ContainsKey(source.Dataset))
        {
            throw new ArgumentException($"Dataset '{source.Dataset}' is not a dataset of the rule set.", nameof(source));
        }

        string load = options?.LoadId ?? Guid.NewGuid().ToString("N");
        if (!NatsTopology.IsToken(load))
        {
            throw new ArgumentException("A load id must be a single token: letters, digits, '-' and '_'.", nameof(options));
        }

        NatsOptions nats = _topology.Options;
        if (!_streamsReady)
        {
            await NatsStreams.EnsureAsync(_js, _topology, _health, cancellationToken).ConfigureAwait(false);
            _streamsReady = true;
        }

        string dataset = source.Dataset;
        var batchOptions = new RecordBatchOptions { RecordsPerBatch = nats.RecordsPerMessage, Partitions = nats.Partitions, PartitionBy = _topology.PartitionKey(dataset) };
        var tails = new Task[nats.Partitions];
        var numbers = new long[nats.Partitions];
        Array.Fill(tails, Task.CompletedTask);
        long entries = 0;
        long messages = 0;
        await foreach (RecordBatch batch in source.ReadBatchesAsync(batchOptions, cancellationToken).ConfigureAwait(false))
        {
            // One publish in flight per partition keeps each partition in input order, even through retries.
            int partition = batch.Partition;
            await tails[partition].ConfigureAwait(false);
            string id = $"{load}.{dataset}.{partition}.{numbers[partition]++}";
            tails[partition] = PublishAsync(_topology.RecordSubject(dataset, partition), batch.Payload, id, null, cancellationToken);
            entries += batch.Count;
            messages++;
        }

        await Task.WhenAll(tails).ConfigureAwait(false);
        for (int partition = 0; partition < nats.Partitions; partition++)
        {
            var headers = new NatsHeaders { [NatsStreams.EndHeader] = load, [NatsStreams.CountHeader] = numbers[partition].ToString(System.Globalization.CultureInfo.InvariantCulture) };
            await PublishAsync(_topology.RecordSubject(dataset, partition), ReadOnlyMemory<byte>.Empty, $"{load}.{dataset}.{partition}.end", headers, cancellationToken).ConfigureAwait(false);
        }

        Log.Published(_health.Logger, dataset, entries, messages, nats.Partitions);
        return new NatsPublishSummary(dataset, entries, messages, nats.Partitions);
    }

    private Task PublishAsync(string subject, ReadOnlyMemory<byte> payload, string id, NatsHeaders? headers, CancellationToken cancellationToken) =>
        JetStreamRetry.RunAsync(
            async token =>
            {
                NatsStreams.Stored(await _js.PublishAsync(subject, payload, opts: new NatsJSPubOpts { MsgId = id }, headers: headers, cancellationToken: token).ConfigureAwait(false));
            },
            _topology.Options,
            _health,
            "publish " + subject,
            cancellationToken);
}

/// <summary>Options of one <see cref="NatsRecordPublisher.PublishAsync(RecordSource, NatsPublishOptions?, CancellationToken)"/>.</summary>
public sealed record NatsPublishOptions
{
    /// <summary>
    /// Gets the load's id (a single token: letters, digits, <c>-</c>, <c>_</c>). Publishing a load again with the same
    /// id within <see cref="NatsOptions.DuplicateWindow"/> stores nothing twice: use a stable id (a file's name and
    /// date) when a publisher may be restarted.
    /// </summary>
    /// <value>The default, <see langword="null"/>, makes a new id.</value>
    public string? LoadId { get; init; }
}

/// <summary>What one publish wrote.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Entries">The records and rejections published (a rejected record travels as a rejection and is counted where it is evaluated).</param>
/// <param name="Messages">The record messages, not counting the end-of-load markers.</param>
/// <param name="Partitions">The partitions, each of which got an end-of-load marker.</param>
public sealed record NatsPublishSummary(string Dataset, long Entries, long Messages, int Partitions);
