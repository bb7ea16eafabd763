using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace RuleEngine.Nats;

/// <summary>
/// The reference datasets a worker's rules join, read whole from the records stream once (up to the end marker of
/// every partition) and kept as their compact batches; each run decodes them into its own join indexes.
/// </summary>
internal sealed class ReferenceCache
{
    private readonly ConcurrentDictionary<string, Lazy<Task<List<byte[]>>>> _datasets = new(StringComparer.Ordinal);
    private readonly Func<string, CancellationToken, IAsyncEnumerable<ReferenceMessage>> _read;
    private readonly int _partitions;
    private readonly Func<int, CancellationToken, Task> _wait;

    public ReferenceCache(INatsJSContext js, NatsTopology topology, ClusterHealth health)
        : this(
            (dataset, cancellationToken) => ReadStreamAsync(js, topology, health, dataset, cancellationToken),
            topology.Options.Partitions,
            (attempt, cancellationToken) => Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken))
    {
    }

    /// <summary>Reads through <paramref name="read"/> and, between short reads, waits through <paramref name="wait"/> (given the attempt number).</summary>
    internal ReferenceCache(Func<string, CancellationToken, IAsyncEnumerable<ReferenceMessage>> read, int partitions, Func<int, CancellationToken, Task> wait)
    {
        _read = read;
        _partitions = partitions;
        _wait = wait;
    }

    /// <summary>One message of a reference dataset's subjects, as the cache needs it.</summary>
    internal readonly record struct ReferenceMessage(string Subject, NatsHeaders? Headers, byte[]? Data);

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReplayAsync(string dataset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<byte[]> batches = await _datasets.GetOrAdd(dataset, name => new Lazy<Task<List<byte[]>>>(() => LoadAsync(name, cancellationToken))).Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (byte[] batch in batches)
        {
            yield return batch;
        }
    }

    /// <summary>How many times a reference dataset is read before a short read is an error.</summary>
    private const int Attempts = 6;

    /// <summary>
    /// Reads a reference dataset up to its partitions' end markers, again (through a new consumer, after a growing
    /// wait) while it holds fewer data messages than the markers count: a consumer on a replica still catching up
    /// after a restart passes over the messages its copy lacks, and a short reference set would silently lose the
    /// join's clues for the rest of the worker's life.
    /// </summary>
    private async Task<List<byte[]>> LoadAsync(string dataset, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            (List<byte[]> batches, bool complete) = await ReadOnceAsync(dataset, cancellationToken).ConfigureAwait(false);
            if (complete)
            {
                return batches;
            }

            if (attempt == Attempts)
            {
                throw new InvalidOperationException($"Reference dataset '{dataset}' was read short of its end markers' counts {Attempts} times; its stream copy is missing messages.");
            }

            await _wait(attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(List<byte[]> Batches, bool Complete)> ReadOnceAsync(string dataset, CancellationToken cancellationToken)
    {
        var batches = new List<byte[]>();
        var read = new Dictionary<string, long>(StringComparer.Ordinal);
        var ended = new HashSet<string>(StringComparer.Ordinal);
        bool complete = true;
        await foreach (ReferenceMessage message in _read(dataset, cancellationToken).ConfigureAwait(false))
        {
            if (NatsStreams.IsEnd(message.Headers))
            {
                if (message.Headers!.TryGetValue(NatsStreams.CountHeader, out var count)
                    && long.TryParse(count.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long expected)
                    && read.GetValueOrDefault(message.Subject) < expected)
                {
                    complete = false;
                }

                ended.Add(message.Subject);
                if (ended.Count == _partitions)
                {
                    break;
                }

                continue;
            }

            if (!ended.Contains(message.Subject))
            {
                read[message.Subject] = read.GetValueOrDefault(message.Subject) + 1;
            }

            batches.Add(message.Data ?? []);
        }

        return (batches, complete);
    }

    private static async IAsyncEnumerable<ReferenceMessage> ReadStreamAsync(INatsJSContext js, NatsTopology topology, ClusterHealth health, string dataset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (INatsJSMsg<byte[]> message in SubjectReader.ReadAsync(js, topology.RecordsStream, topology.RecordFilter(dataset), 1, topology.Options, health, wholeStream: false, cancellationToken).ConfigureAwait(false))
        {
            yield return new ReferenceMessage(message.Subject, message.Headers, message.Data);
        }
    }
}
