using System.Security.Cryptography;
using System.Text;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using RuleEngine.Clues;
using RuleEngine.Records;

namespace RuleEngine.Nats;

/// <summary>
/// The sink of a worker's runs: publishes each clue to the clue stream, and each dead letter to the dead-letter
/// stream, without waiting for the store's acknowledgement; the consumer loop waits for all of them before it
/// acknowledges the record messages they came from. A clue's message id is its fingerprint plus a hash of its
/// content, so the stream drops the same clue published again by a redelivered batch, while two clues that share a
/// fingerprint (a business key twice in the input, a join with several matches) both stay.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore has no wait handle to free; publishes still in flight after the loop ends release it.")]
internal sealed class ClueForwarder(INatsJSContext js, NatsTopology topology, string dataset, Func<bool> suppressed, WorkerCounters counters, ClusterHealth health, CancellationToken stopping)
    : IClueSink, IDeadLetterSink
{
    private const int MaxInFlight = 4096;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private readonly object _gate = new();
    private List<Task> _pending = [];

    public async ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        if (suppressed())
        {
            return;
        }

        byte[] json = Encoding.UTF8.GetBytes(JsonLinesClueSink.Format(clue));
        string id = clue.Fingerprint + "." + Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 8));
        await AddAsync(topology.ClueSubject(dataset), json, id, isClue: true, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken = default)
    {
        if (suppressed())
        {
            return;
        }

        using var buffer = new MemoryStream();
        await using (var sink = new JsonLinesDeadLetterSink(buffer))
        {
            await sink.WriteAsync(letter, cancellationToken).ConfigureAwait(false);
        }

        byte[] json = buffer.ToArray();
        string id = "dead." + Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 16));
        await AddAsync(topology.DeadSubject(dataset), json, id, isClue: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hands over the publishes started since the last call; they complete when the stream has stored them.</summary>
    public Task[] TakePending()
    {
        lock (_gate)
        {
            Task[] pending = [.. _pending];
            _pending = [];
            return pending;
        }
    }

    private async ValueTask AddAsync(string subject, byte[] payload, string id, bool isClue, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task publish = PublishAsync(subject, payload, id, isClue);
        lock (_gate)
        {
            _pending.Add(publish);
        }
    }

    private async Task PublishAsync(string subject, byte[] payload, string id, bool isClue)
    {
        try
        {
            PubAckResponse ack = await JetStreamRetry.RunAsync(
                async token =>
                {
                    PubAckResponse response = await js.PublishAsync(subject, payload, opts: new NatsJSPubOpts { MsgId = id }, cancellationToken: token).ConfigureAwait(false);
                    return NatsStreams.Stored(response);
                },
                topology.Options,
                health,
                "publish " + subject,
                stopping).ConfigureAwait(false);
            counters.Published(isClue, ack.Duplicate);
        }
        finally
        {
            _inFlight.Release();
        }
    }
}

/// <summary>A worker's counters, updated from every consumer loop.</summary>
internal sealed class WorkerCounters
{
    private long _acknowledged;
    private long _entries;
    private long _replayed;
    private long _clues;
    private long _duplicates;
    private long _deadLetters;
    private long _loads;
    private long _peakWindowState;

    public void Acknowledged() => Interlocked.Increment(ref _acknowledged);

    public void Evaluated(long entries, bool replay) => Interlocked.Add(ref replay ? ref _replayed : ref _entries, entries);

    public void Published(bool clue, bool duplicate)
    {
        if (duplicate)
        {
            Interlocked.Increment(ref _duplicates);
        }
        else
        {
            Interlocked.Increment(ref clue ? ref _clues : ref _deadLetters);
        }
    }

    public void LoadFinished(long peakWindowState)
    {
        Interlocked.Increment(ref _loads);
        long peak;
        do
        {
            peak = Volatile.Read(ref _peakWindowState);
        }
        while (peakWindowState > peak && Interlocked.CompareExchange(ref _peakWindowState, peakWindowState, peak) != peak);
    }

    public NatsWorkerStatistics Snapshot() => new(
        Volatile.Read(ref _acknowledged),
        Volatile.Read(ref _entries),
        Volatile.Read(ref _replayed),
        Volatile.Read(ref _clues),
        Volatile.Read(ref _duplicates),
        Volatile.Read(ref _deadLetters),
        Volatile.Read(ref _loads),
        Volatile.Read(ref _peakWindowState));
}
