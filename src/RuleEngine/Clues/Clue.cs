namespace RuleEngine.Clues;

/// <summary>
/// A clue (线索): a suspected violation that a prosecutor verifies, with the rule that found it, its subject,
/// the evidence and the value of each condition. Its <see cref="Fingerprint"/> is stable across runs, so a
/// re-run can recognise a clue it already raised.
/// </summary>
public sealed record Clue
{
    /// <summary>Gets the id of the supervision model the rule belongs to, if it belongs to one.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the id of the rule that fired.</summary>
    public required string RuleId { get; init; }

    /// <summary>Gets the version of the rule that fired.</summary>
    public required string RuleVersion { get; init; }

    /// <summary>Gets the dataset of the record.</summary>
    public required string Dataset { get; init; }

    /// <summary>Gets the record's line (text sources) or row (other sources).</summary>
    public required long Line { get; init; }

    /// <summary>Gets the subject's key (a person's ID number, a company's credit code), masked unless the run revealed personal data.</summary>
    public required string SubjectKey { get; init; }

    /// <summary>
    /// Gets the subject's key with personal values masked, when the run revealed them (so <see cref="SubjectKey"/> holds
    /// them in the clear); <see langword="null"/> when <see cref="SubjectKey"/> is already masked.
    /// </summary>
    public string? MaskedSubjectKey { get; init; }

    /// <summary>Gets a stable identity: a keyed hash of the rule id and the unmasked subject key.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets the clue's title, from the rule's template.</summary>
    public required string Title { get; init; }

    /// <summary>
    /// Gets the title with personal values masked, when the run revealed them (so <see cref="Title"/> holds them in the
    /// clear): what a list may show whoever reads it. <see langword="null"/> when <see cref="Title"/> is already masked.
    /// </summary>
    public string? MaskedTitle { get; init; }

    /// <summary>Gets how urgently the clue should be verified.</summary>
    public ClueSeverity Severity { get; init; } = ClueSeverity.Medium;

    /// <summary>Gets the suggested action, if the rule names one.</summary>
    public string? Action { get; init; }

    /// <summary>Gets the evidence: field values of the record.</summary>
    public required IReadOnlyList<EvidenceValue> Evidence { get; init; }

    /// <summary>Gets the value of every leaf of the condition on the record: why the rule fired.</summary>
    public required IReadOnlyList<ConditionOutcome> Explanation { get; init; }
}
