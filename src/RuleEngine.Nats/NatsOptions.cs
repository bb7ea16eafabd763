using NATS.Client.JetStream.Models;

namespace RuleEngine.Nats;

/// <summary>
/// Where RuleEngine's streams and subjects live on a NATS JetStream cluster, and how records are cut into messages.
/// The publisher and every worker of one deployment must use equal options (above all <see cref="Partitions"/>).
/// </summary>
public sealed record NatsOptions
{
    /// <summary>Gets the first token of every subject: records on <c>{prefix}.records.{dataset}.{partition}</c>, clues on <c>{prefix}.clues.{dataset}</c>, dead letters on <c>{prefix}.dead.{dataset}</c>.</summary>
    /// <value>The default is <c>re</c>.</value>
    public string SubjectPrefix { get; init; } = "re";

    /// <summary>Gets the prefix of the three stream names: <c>{prefix}_RECORDS</c>, <c>{prefix}_CLUES</c>, <c>{prefix}_DEAD</c>.</summary>
    /// <value>The default is <c>RE</c>.</value>
    public string StreamPrefix { get; init; } = "RE";

    /// <summary>
    /// Gets how many partitions each dataset's records are spread over. A dataset with window rules is partitioned by
    /// the window's <c>group_by</c> field, so every record of one key reaches the one worker that holds its window state.
    /// </summary>
    /// <value>The default is 6.</value>
    public int Partitions { get; init; } = 6;

    /// <summary>Gets how many servers keep a copy of each stream (1, 3 or 5).</summary>
    /// <value>The default is 3.</value>
    public int Replicas { get; init; } = 3;

    /// <summary>Gets where streams are kept.</summary>
    /// <value>The default is <see cref="StreamConfigStorage.File"/>.</value>
    public StreamConfigStorage Storage { get; init; } = StreamConfigStorage.File;

    /// <summary>
    /// Gets how long JetStream remembers a message id to drop a duplicate: a clue re-published by a retried batch, a
    /// record batch re-sent by a restarted publisher. A batch redelivered later than this can publish its clues twice.
    /// </summary>
    /// <value>The default is 2 hours.</value>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Gets the most records (and rejections) a record message holds.</summary>
    /// <value>The default is 500: one record per message costs about 20 times as much.</value>
    public int RecordsPerMessage { get; init; } = 500;

    /// <summary>Gets how long a worker may hold a message before JetStream gives it to another worker.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan AckWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how many messages of a dataset without window rules may be out with workers, unacknowledged, at once.</summary>
    /// <value>The default is 64.</value>
    public int MaxAckPending { get; init; } = 64;

    /// <summary>
    /// Gets how long a JetStream call that fails with a transient error (a timeout, no responders, a leader election, a
    /// lost connection) is retried before the worker or publisher gives up. Waits between attempts grow to 5 seconds
    /// with jitter; the state change (degraded, recovered) is logged once, not each attempt.
    /// </summary>
    /// <value>The default is <see cref="Timeout.InfiniteTimeSpan"/>: retry until cancelled, so a cluster that heals is ridden through, however long it takes.</value>
    public TimeSpan RetryFor { get; init; } = Timeout.InfiniteTimeSpan;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(SubjectPrefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(StreamPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(Partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Replicas, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RecordsPerMessage, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAckPending, 1);
        if (RetryFor != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryFor, TimeSpan.Zero);
        }
        if (!NatsTopology.IsToken(SubjectPrefix) || !NatsTopology.IsToken(StreamPrefix))
        {
            throw new ArgumentException("Subject and stream prefixes must be single NATS tokens: letters, digits, '-' and '_'.");
        }
    }
}
