using System.Runtime.CompilerServices;
using NATS.Client.Core;

namespace RuleEngine.Nats.Tests;

public sealed class ReferenceCacheTests
{
    private const string Dataset = "unpaid_penalties";

    [Fact]
    public async Task Replay_FirstReadShortOfTheEndMarkersCount_ReadsAgainAndReplaysTheWholeSet()
    {
        var reads = new List<IReadOnlyList<ReferenceCache.ReferenceMessage>>
        {
            Partitions(skipFromPartition0: 1),
            Partitions(skipFromPartition0: 0),
        };
        var waits = new List<int>();
        var cache = new ReferenceCache(Reader(reads), partitions: 2, (attempt, _) => { waits.Add(attempt); return Task.CompletedTask; });

        List<string> replayed = await ReplayAsync(cache);

        Assert.Equal(["p0-a", "p0-b", "p0-c", "p1-a", "p1-b"], replayed.Order(StringComparer.Ordinal));
        Assert.Equal([1], waits);
        Assert.Empty(reads);
    }

    [Fact]
    public async Task Replay_WholeFirstRead_IsNotReadAgainAndIsCachedForLaterReplays()
    {
        var reads = new List<IReadOnlyList<ReferenceCache.ReferenceMessage>> { Partitions(skipFromPartition0: 0) };
        var cache = new ReferenceCache(Reader(reads), partitions: 2, (_, _) => throw new InvalidOperationException("waited"));

        Assert.Equal(5, (await ReplayAsync(cache)).Count);
        Assert.Equal(5, (await ReplayAsync(cache)).Count);
    }

    [Fact]
    public async Task Replay_EveryReadShort_FailsNamingTheDatasetAfterGrowingWaits()
    {
        var reads = Enumerable.Range(0, 6).Select(_ => (IReadOnlyList<ReferenceCache.ReferenceMessage>)Partitions(skipFromPartition0: 2)).ToList();
        var waits = new List<int>();
        var cache = new ReferenceCache(Reader(reads), partitions: 2, (attempt, _) => { waits.Add(attempt); return Task.CompletedTask; });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ReplayAsync(cache));

        Assert.Contains($"'{Dataset}'", e.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3, 4, 5], waits);
        Assert.Empty(reads);
    }

    [Fact]
    public async Task Replay_EndMarkerWithoutACount_IsTakenAsWhole()
    {
        var reads = new List<IReadOnlyList<ReferenceCache.ReferenceMessage>> { Partitions(skipFromPartition0: 1, counted: false) };
        var cache = new ReferenceCache(Reader(reads), partitions: 2, (_, _) => throw new InvalidOperationException("waited"));

        Assert.Equal(4, (await ReplayAsync(cache)).Count);
    }

    /// <summary>Partition 0 holds three records and partition 1 two, each closed by its end marker; the first <paramref name="skipFromPartition0"/> of partition 0's records are missing, as on a lagging replica.</summary>
    private static List<ReferenceCache.ReferenceMessage> Partitions(int skipFromPartition0, bool counted = true)
    {
        var messages = new List<ReferenceCache.ReferenceMessage>();
        AddPartition(messages, 0, ["p0-a", "p0-b", "p0-c"], skipFromPartition0, counted);
        AddPartition(messages, 1, ["p1-a", "p1-b"], 0, counted);
        return messages;
    }

    private static void AddPartition(List<ReferenceCache.ReferenceMessage> messages, int partition, string[] records, int skip, bool counted)
    {
        string subject = $"re.records.{Dataset}.{partition}";
        foreach (string record in records.Skip(skip))
        {
            messages.Add(new(subject, null, System.Text.Encoding.UTF8.GetBytes(record)));
        }

        var end = new NatsHeaders { [NatsStreams.EndHeader] = "load-1" };
        if (counted)
        {
            end[NatsStreams.CountHeader] = records.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        messages.Add(new(subject, end, []));
    }

    private static Func<string, CancellationToken, IAsyncEnumerable<ReferenceCache.ReferenceMessage>> Reader(List<IReadOnlyList<ReferenceCache.ReferenceMessage>> reads) =>
        (dataset, cancellationToken) =>
        {
            Assert.Equal(Dataset, dataset);
            IReadOnlyList<ReferenceCache.ReferenceMessage> next = reads[0];
            reads.RemoveAt(0);
            return Yield(next, cancellationToken);
        };

    private static async IAsyncEnumerable<ReferenceCache.ReferenceMessage> Yield(IReadOnlyList<ReferenceCache.ReferenceMessage> messages, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (ReferenceCache.ReferenceMessage message in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return message;
        }
    }

    private static async Task<List<string>> ReplayAsync(ReferenceCache cache)
    {
        var records = new List<string>();
        await foreach (ReadOnlyMemory<byte> batch in cache.ReplayAsync(Dataset, CancellationToken.None))
        {
            records.Add(System.Text.Encoding.UTF8.GetString(batch.Span));
        }

        return records;
    }
}
