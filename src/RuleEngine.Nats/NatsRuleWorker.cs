using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace RuleEngine.Nats;

/// <summary>
/// A worker that evaluates a compiled rule set over the records a <see cref="NatsRecordPublisher"/> wrote: it pulls
/// record messages from durable consumers, runs them through the same engine as an in-process run, publishes each
/// clue to the clue stream and acknowledges a message only after its clues are stored. Records arrive at least once;
/// clues are stored once (the clue stream drops a clue published again by a redelivered message).
/// Datasets without window rules are shared by all workers through one consumer each; a keyed dataset has one
/// consumer per partition, owned by one worker (<see cref="NatsWorkerOptions.WorkerIndex"/>). Reference datasets are
/// loaded whole by every worker.
/// </summary>
public sealed class NatsRuleWorker
{
    private readonly INatsJSContext _js;
    private readonly RuleSet _rules;
    private readonly NatsWorkerOptions _options;
    private readonly NatsTopology _topology;
    private readonly ClusterHealth _health;
    private readonly WorkerCounters _counters = new();

    /// <summary>Initializes a new instance of the <see cref="NatsRuleWorker"/> class.</summary>
    /// <param name="connection">A connection to the cluster (give it every server's URL so it can fail over).</param>
    /// <param name="rules">The compiled rule set; every worker of a deployment runs the same one.</param>
    /// <param name="options">This worker's number, the deployment's options and the runs' options.</param>
    /// <param name="logger">Where progress is logged (counts and names, never record values); <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">The rule set cannot be laid out on a cluster (see the message).</exception>
    public NatsRuleWorker(INatsConnection connection, RuleSet rules, NatsWorkerOptions options, ILogger<NatsRuleWorker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _topology = new NatsTopology(rules, options.Nats);
        _js = new NatsJSContext(connection);
        _rules = rules;
        _options = options;
        _health = new ClusterHealth(logger ?? (ILogger)NullLogger.Instance);
    }

    /// <summary>Gets what the worker has done so far.</summary>
    public NatsWorkerStatistics Statistics => _counters.Snapshot();

    /// <summary>
    /// Runs until cancelled. Transient cluster errors (timeouts, no responders, leader elections, lost connections) are
    /// retried until cancelled (or for <see cref="NatsOptions.RetryFor"/>, when set), logging "degraded" and
    /// "recovered" once each. A consumer that fails for good (an error retrying cannot fix, a bad-record policy that
    /// stops) stops the others and its error is thrown; what was not acknowledged is redelivered to the next worker.
    /// </summary>
    /// <param name="cancellationToken">Stops the worker.</param>
    /// <returns>A task that ends when the worker stops.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await NatsStreams.EnsureAsync(_js, _topology, _health, cancellationToken).ConfigureAwait(false);
        var references = new ReferenceCache(_js, _topology, _health);
        var loops = new List<ConsumerLoop>();
        int keyed = 0;
        foreach (NatsTopology.DatasetPlan plan in _topology.Evaluated)
        {
            if (!plan.Keyed)
            {
                loops.Add(new ConsumerLoop(_js, _rules, _topology, plan, null, _options.Run, references, _counters, _health));
                continue;
            }

            for (int partition = _options.WorkerIndex; partition < _options.Nats.Partitions; partition += _options.WorkerCount)
            {
                loops.Add(new ConsumerLoop(_js, _rules, _topology, plan, partition, _options.Run, references, _counters, _health));
                keyed++;
            }
        }

        Log.WorkerStarted(_health.Logger, _options.WorkerIndex, _options.WorkerCount, loops.Count, keyed);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = loops.Select(loop => Task.Run(() => loop.RunAsync(stop.Token), CancellationToken.None)).ToList();
        Exception? failure = null;
        while (running.Count > 0)
        {
            Task finished = await Task.WhenAny(running).ConfigureAwait(false);
            running.Remove(finished);
            if (finished.IsFaulted && failure is null)
            {
                failure = finished.Exception!.InnerException;
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        if (failure is not null)
        {
            throw new NatsWorkerException($"A consumer of the worker failed ({failure.GetType().Name}); unacknowledged messages will be redelivered.", failure);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>A worker stopped because one of its consumers failed for good; the inner exception says why.</summary>
public sealed class NatsWorkerException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="NatsWorkerException"/> class.</summary>
    public NatsWorkerException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NatsWorkerException"/> class.</summary>
    /// <param name="message">The message.</param>
    public NatsWorkerException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NatsWorkerException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The consumer's error.</param>
    public NatsWorkerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
