using System.Runtime.CompilerServices;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace RuleEngine.Nats;

/// <summary>
/// Reads one subject of a stream from a sequence on, in order, through a short-lived consumer that needs no
/// acknowledgements; if the consumer is lost (its server killed) or stops answering, a new one starts after the
/// last message read. A consumer that has handed out nothing for <see cref="StallAfter"/> pulls in a row is replaced
/// too: a single-replica consumer can land on a server whose copy of the stream stopped catching up after a restart
/// (seen with nats-server 2.9: it served the 366,508 clues it had of 473,336 and then waited for ever), and a new one
/// may land on a current server. (The client's ordered consumer filters with <c>filter_subjects</c>, which servers
/// before 2.10 ignore: it would read every subject of the stream.)
/// </summary>
internal static class SubjectReader
{
    /// <summary>How many empty pulls in a row (each waits up to 2 seconds) make the reader try a new consumer.</summary>
    public const int StallAfter = 5;

    /// <summary>How many times a read of a whole stream starts again from the last message it read when the stream's sequence jumps.</summary>
    public const int GapRetries = 30;

    /// <param name="js">The JetStream context.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="filter">The subject filter.</param>
    /// <param name="fromSequence">The first stream sequence to read.</param>
    /// <param name="options">The deployment's options.</param>
    /// <param name="health">The caller's cluster health.</param>
    /// <param name="wholeStream">
    /// Whether <paramref name="filter"/> covers every subject of the stream, so that every sequence must be read: a
    /// consumer on a replica still catching up after a restart passes over the messages its copy lacks as if they were
    /// deleted (the soak lost 167 clues this way). A jump in the sequence then starts the read again from the last
    /// message read, through a new consumer, up to <see cref="GapRetries"/> times with growing waits; a gap that stays
    /// is taken for deleted messages.
    /// </param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static async IAsyncEnumerable<INatsJSMsg<byte[]>> ReadAsync(INatsJSContext js, string stream, string filter, ulong fromSequence, NatsOptions options, ClusterHealth health, bool wholeStream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ulong next = Math.Max(1, fromSequence);
        INatsJSConsumer? consumer = null;
        int emptyPulls = 0;
        int gaps = 0;
        while (true)
        {
            if (emptyPulls >= StallAfter)
            {
                // Nothing new for a while: a new consumer (the old one expires by itself) reads on from the same place.
                consumer = null;
                emptyPulls = 0;
            }

            // One retried call makes the consumer (again, after the last message read, if it was lost) and pulls from it.
            List<INatsJSMsg<byte[]>> messages = await JetStreamRetry.RunAsync(
                async token =>
                {
                    consumer ??= await js.CreateOrUpdateConsumerAsync(stream, Config(filter, next), token).ConfigureAwait(false);
                    try
                    {
                        return await Fetch.BatchAsync(consumer, 256, token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (JetStreamRetry.IsTransient(e, token))
                    {
                        // The consumer's server may be gone: read on from the next message through a new consumer.
                        consumer = null;
                        throw;
                    }
                },
                options,
                health,
                "read " + filter,
                cancellationToken).ConfigureAwait(false);

            emptyPulls = messages.Count == 0 ? emptyPulls + 1 : 0;
            bool gap = false;
            foreach (INatsJSMsg<byte[]> message in messages)
            {
                ulong sequence = message.Metadata?.Sequence.Stream ?? next;
                if (sequence < next)
                {
                    continue;
                }

                if (wholeStream && sequence > next && gaps < GapRetries)
                {
                    gap = true;
                    break;
                }

                gaps = sequence == next ? 0 : gaps;
                next = sequence + 1;
                yield return message;
            }

            if (gap)
            {
                // Read again from the last message read, through a new consumer that may land on a current server.
                gaps++;
                consumer = null;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * gaps)), health.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static ConsumerConfig Config(string filter, ulong from) => new("re-read-" + Guid.NewGuid().ToString("N"))
    {
        FilterSubject = filter,
        AckPolicy = ConsumerConfigAckPolicy.None,
        DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
        OptStartSeq = from,
        InactiveThreshold = TimeSpan.FromMinutes(1),
        NumReplicas = 1,
        MemStorage = true,
    };
}

/// <summary>
/// Pulls what a consumer has ready, up to a batch, without waiting for a full batch; when nothing is ready, waits
/// (up to 2 seconds) for one message. Each pull has a deadline of its own, so a pull that a dead consumer leader
/// never ends cannot hang a worker.
/// </summary>
internal static class Fetch
{
    private static readonly TimeSpan Expires = TimeSpan.FromSeconds(2);

    public static async Task<List<INatsJSMsg<byte[]>>> BatchAsync(INatsJSConsumer consumer, int maxMessages, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Expires + TimeSpan.FromSeconds(5));
        var messages = new List<INatsJSMsg<byte[]>>();
        await foreach (INatsJSMsg<byte[]> message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = maxMessages }, cancellationToken: deadline.Token).ConfigureAwait(false))
        {
            messages.Add(message);
        }

        if (messages.Count == 0)
        {
            var wait = new NatsJSFetchOpts { MaxMsgs = 1, Expires = Expires, IdleHeartbeat = TimeSpan.FromSeconds(1) };
            await foreach (INatsJSMsg<byte[]> message in consumer.FetchAsync<byte[]>(wait, cancellationToken: deadline.Token).ConfigureAwait(false))
            {
                messages.Add(message);
            }
        }

        return messages;
    }
}
