using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NATS.Client.JetStream;

namespace RuleEngine.Nats;

/// <summary>
/// The reference datasets a worker's rules join, read whole from the records stream once (up to the end marker of
/// every partition) and kept as their compact batches; each run decodes them into its own join indexes.
/// </summary>
internal sealed class ReferenceCache(INatsJSContext js, NatsTopology topology, ClusterHealth health)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<List<byte[]>>>> _datasets = new(StringComparer.Ordinal);

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReplayAsync(string dataset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<byte[]> batches = await _datasets.GetOrAdd(dataset, name => new Lazy<Task<List<byte[]>>>(() => LoadAsync(name, cancellationToken))).Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (byte[] batch in batches)
        {
            yield return batch;
        }
    }

    private async Task<List<byte[]>> LoadAsync(string dataset, CancellationToken cancellationToken)
    {
        var batches = new List<byte[]>();
        var ended = new HashSet<string>(StringComparer.Ordinal);
        await foreach (INatsJSMsg<byte[]> message in SubjectReader.ReadAsync(js, topology.RecordsStream, topology.RecordFilter(dataset), 1, topology.Options, health, wholeStream: false, cancellationToken).ConfigureAwait(false))
        {
            if (NatsStreams.IsEnd(message.Headers))
            {
                ended.Add(message.Subject);
                if (ended.Count == topology.Options.Partitions)
                {
                    break;
                }

                continue;
            }

            batches.Add(message.Data ?? []);
        }

        return batches;
    }
}
