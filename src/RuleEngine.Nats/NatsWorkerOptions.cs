namespace RuleEngine.Nats;

/// <summary>How one worker of a deployment runs: which partitions it owns, and the options of its runs.</summary>
public sealed record NatsWorkerOptions
{
    /// <summary>Gets the streams, subjects and partitions; must equal the publisher's.</summary>
    public NatsOptions Nats { get; init; } = new();

    /// <summary>
    /// Gets this worker's number, from 0 to <see cref="WorkerCount"/> − 1. Partition <c>p</c> of a keyed dataset
    /// belongs to the worker whose number is <c>p mod WorkerCount</c> (a stable member of a StatefulSet, say); datasets
    /// without window rules are shared by every worker through one work-queue consumer.
    /// </summary>
    public int WorkerIndex { get; init; }

    /// <summary>Gets how many workers share the keyed partitions.</summary>
    /// <value>The default is 1.</value>
    public int WorkerCount { get; init; } = 1;

    /// <summary>
    /// Gets the options of each run: the fingerprint key (every worker must use the same one), whether personal data is
    /// revealed, limits, the bad-record policy. <see cref="RunOptions.Progress"/> and <see cref="RunOptions.DeadLetters"/>
    /// are the worker's own (dead letters go to the dead-letter stream), and window rules always run in
    /// <see cref="WindowOrder.Arrival"/>: a stream of messages has no end to sort at, so records must come in date order
    /// within their key, give or take <see cref="RunOptions.WindowLatenessDays"/>, and a later one is a rule error (RE5009).
    /// </summary>
    public RunOptions Run { get; init; } = new();

    internal void Validate()
    {
        Nats.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(WorkerCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(WorkerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(WorkerIndex, WorkerCount);
        ArgumentNullException.ThrowIfNull(Run);
    }
}

/// <summary>A snapshot of what a worker has done since it started.</summary>
/// <param name="MessagesAcknowledged">Record messages (and end markers) acknowledged after their clues were stored.</param>
/// <param name="Entries">Records and rejections evaluated from live messages.</param>
/// <param name="ReplayedEntries">Records and rejections evaluated again, without publishing, to rebuild window state after a restart.</param>
/// <param name="CluesPublished">Clues stored in the clue stream by this worker.</param>
/// <param name="DuplicateClues">Clues the clue stream dropped as duplicates (a redelivered batch's clues published again).</param>
/// <param name="DeadLetters">Rejected records and rule errors published to the dead-letter stream.</param>
/// <param name="LoadsFinished">Keyed partitions whose load ended (end marker reached, windows flushed).</param>
/// <param name="PeakWindowState">The largest window state (members held) any rule reached in one partition run.</param>
public sealed record NatsWorkerStatistics(long MessagesAcknowledged, long Entries, long ReplayedEntries, long CluesPublished, long DuplicateClues, long DeadLetters, long LoadsFinished, long PeakWindowState);
