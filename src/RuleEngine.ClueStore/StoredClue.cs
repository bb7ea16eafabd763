using RuleEngine.Clues;

namespace RuleEngine.ClueStore;

/// <summary>A clue as the store knows it across runs: its identity, its latest title and its life-cycle.</summary>
public sealed record StoredClue
{
    /// <summary>Gets the clue's id in the store.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the clue's identity across runs (<see cref="Clue.Fingerprint"/>).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets the model that raised it (empty for rules outside a model).</summary>
    public required string ModelId { get; init; }

    /// <summary>Gets the rule that raised it.</summary>
    public required string RuleId { get; init; }

    /// <summary>Gets the rule's version in the latest run that produced it.</summary>
    public required string RuleVersion { get; init; }

    /// <summary>Gets the region of the run that raised it.</summary>
    public required string Region { get; init; }

    /// <summary>
    /// Gets the subject's key as the latest run gave it, with personal values masked even when the run revealed them
    /// (the revealed values are kept in the sightings' evidence only).
    /// </summary>
    public required string SubjectKey { get; init; }

    /// <summary>Gets the title as the latest run gave it, with the evidence's personal values masked (as <see cref="SubjectKey"/>).</summary>
    public required string Title { get; init; }

    /// <summary>Gets the severity.</summary>
    public required ClueSeverity Severity { get; init; }

    /// <summary>Gets the dataset of its record.</summary>
    public required string Dataset { get; init; }

    /// <summary>Gets where it stands in its life.</summary>
    public required ClueState State { get; init; }

    /// <summary>Gets who it is assigned to, if anyone.</summary>
    public string? Assignee { get; init; }

    /// <summary>Gets the run that first raised it.</summary>
    public required long FirstRunId { get; init; }

    /// <summary>Gets the latest run that produced it.</summary>
    public required long LastRunId { get; init; }

    /// <summary>Gets whether the latest run of its model and region produced it; <see langword="false"/> marks it "not reproduced".</summary>
    public required bool Reproduced { get; init; }

    /// <summary>Gets the document a confirmed clue led to (检察建议).</summary>
    public string? DocumentType { get; init; }

    /// <summary>Gets the document's number (（2026）浙0106检建1号).</summary>
    public string? DocumentNumber { get; init; }

    /// <summary>Gets the day the clue was confirmed or rejected.</summary>
    public DateOnly? DecidedOn { get; init; }

    /// <summary>Gets the day the agency's reply is due, from the document's reply period.</summary>
    public DateOnly? DueOn { get; init; }

    /// <summary>Gets why a rejected clue is not a case.</summary>
    public RejectionReason? RejectionReason { get; init; }

    /// <summary>Gets the latest note written with an action (the rejection's detail, the follow-up's reply).</summary>
    public string? Note { get; init; }

    /// <summary>Gets when the store first recorded it.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets its version, raised by every change; pass it back with an action to refuse changes made in between.</summary>
    public required long Version { get; init; }
}
