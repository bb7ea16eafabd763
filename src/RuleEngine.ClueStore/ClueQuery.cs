namespace RuleEngine.ClueStore;

/// <summary>A filter and a page over a store's clues; every condition given must hold.</summary>
public sealed record ClueQuery
{
    /// <summary>Gets the model, or <see langword="null"/> for all.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the rule, or <see langword="null"/> for all.</summary>
    public string? RuleId { get; init; }

    /// <summary>Gets the states to list; empty for all.</summary>
    public IReadOnlyList<ClueState> States { get; init; } = [];

    /// <summary>Gets the severity, or <see langword="null"/> for all.</summary>
    public ClueSeverity? Severity { get; init; }

    /// <summary>Gets a division code narrowing the caller's own scope (a county within the caller's province).</summary>
    public string? Region { get; init; }

    /// <summary>Gets text the title must contain, or <see langword="null"/>.</summary>
    public string? TitleContains { get; init; }

    /// <summary>Gets the assignee, or <see langword="null"/> for all.</summary>
    public string? Assignee { get; init; }

    /// <summary>Gets a run: only clues it produced. <see langword="null"/> for all.</summary>
    public long? RunId { get; init; }

    /// <summary>Gets whether to list only clues the latest run reproduced (<see langword="true"/>) or did not (<see langword="false"/>).</summary>
    public bool? Reproduced { get; init; }

    /// <summary>Gets how many clues to skip.</summary>
    public int Offset { get; init; }

    /// <summary>Gets how many clues to return, at most 1,000.</summary>
    /// <value>The default is 50.</value>
    public int Limit { get; init; } = 50;
}

/// <summary>A page of clues and how many match in all.</summary>
/// <param name="Items">The clues of the page, most recently seen first.</param>
/// <param name="Total">How many clues match the query.</param>
public sealed record CluePage(IReadOnlyList<StoredClue> Items, long Total);

/// <summary>How two runs differ: clues only the second produced, only the first produced, and clues both produced whose evidence differs.</summary>
/// <param name="FromRunId">The earlier run (or the run with the model's old version).</param>
/// <param name="ToRunId">The later run.</param>
/// <param name="Added">Clues the second run produced and the first did not, with the second's sighting.</param>
/// <param name="Removed">Clues the first run produced and the second did not, with the first's sighting.</param>
/// <param name="Changed">Clues both produced whose evidence differs, with both sightings.</param>
public sealed record RunDiff(long FromRunId, long ToRunId, IReadOnlyList<ClueChange> Added, IReadOnlyList<ClueChange> Removed, IReadOnlyList<ClueChange> Changed);

/// <summary>One clue in a run diff, with the sightings of each side that has one.</summary>
/// <param name="Clue">The clue.</param>
/// <param name="Before">Its sighting in the first run, if any.</param>
/// <param name="After">Its sighting in the second run, if any.</param>
public sealed record ClueChange(StoredClue Clue, ClueSighting? Before, ClueSighting? After);

/// <summary>How a model's clues fared with prosecutors, for one rule version: the hit rate and the reasons of rejections.</summary>
/// <param name="ModelId">The model.</param>
/// <param name="RuleVersion">The version the clues were last raised under.</param>
/// <param name="Clues">All clues.</param>
/// <param name="Open">Clues not yet decided (raised, assigned, verifying).</param>
/// <param name="Confirmed">Clues confirmed (including closed after follow-up).</param>
/// <param name="Rejected">Clues rejected.</param>
/// <param name="RejectionReasons">How many rejections gave each reason.</param>
public sealed record ModelHitRate(string ModelId, string RuleVersion, long Clues, long Open, long Confirmed, long Rejected, IReadOnlyDictionary<RejectionReason, long> RejectionReasons)
{
    /// <summary>Gets the share of decided clues that were confirmed, or <see langword="null"/> before any was decided.</summary>
    public double? HitRate => Confirmed + Rejected == 0 ? null : (double)Confirmed / (Confirmed + Rejected);
}

/// <summary>An entry of the audit log: who revealed, exported or changed what, when and from where.</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who.</param>
/// <param name="Address">From where.</param>
/// <param name="Action">What: <c>reveal</c>, <c>export</c>, or a life-cycle action.</param>
/// <param name="ClueId">The clue, when one.</param>
/// <param name="Detail">The detail (an export's filter and count).</param>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string? Address, string Action, long? ClueId, string? Detail);
