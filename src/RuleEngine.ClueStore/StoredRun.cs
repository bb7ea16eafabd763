namespace RuleEngine.ClueStore;

/// <summary>A run as its store recorded it, with what it did to the clues.</summary>
public sealed record StoredRun
{
    /// <summary>Gets the run's id in the store.</summary>
    public required long Id { get; init; }

    /// <summary>Gets when the run began.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the run completed, or <see langword="null"/> while running or when it never completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets how the run ended.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>Gets the run's information as given when it began.</summary>
    public required ClueStoreRunInfo Info { get; init; }

    /// <summary>Gets the run summary's text (records read, matched, rejected, clues), once completed.</summary>
    public string? Summary { get; init; }

    /// <summary>Gets how many clues this run raised for the first time.</summary>
    public long NewClues { get; init; }

    /// <summary>Gets how many clues this run found again that earlier runs had raised.</summary>
    public long SeenAgain { get; init; }

    /// <summary>Gets how many closed clues this run reopened because their material evidence changed.</summary>
    public long Reopened { get; init; }

    /// <summary>Gets how many clues of its models and region this run no longer produced.</summary>
    public long NotReproduced { get; init; }
}

/// <summary>How a run ended, as its store knows it.</summary>
public enum RunStatus
{
    /// <summary>Clues are still arriving.</summary>
    Running,

    /// <summary>Completed with every record read; clues it did not produce are marked not reproduced.</summary>
    Completed,

    /// <summary>
    /// Completed, but records were rejected, rules failed or were quarantined, or lines went unaccounted: a clue it did not produce may only have been in
    /// the lost records, so nothing is marked not reproduced.
    /// </summary>
    CompletedWithLosses,

    /// <summary>The run never completed (stopped, crashed, cancelled); its clues so far are kept.</summary>
    Failed,
}
