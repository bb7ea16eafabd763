using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>What a rule's clues carry: their title, their subject and their evidence.</summary>
public sealed record ClueSpec
{
    /// <summary>
    /// Gets the title template, with <c>{field}</c> placeholders filled from the record (masked where personal),
    /// such as <c>醉驾人员 {person_id} 驾驶证未吊销</c>. <see langword="null"/> uses the rule's id.
    /// </summary>
    public string? Title { get; init; }

    /// <summary>
    /// Gets the fields that identify the clue's subject (a person's ID number, a company's credit code).
    /// Empty (the default) takes the dataset's key fields.
    /// </summary>
    public IReadOnlyList<string> SubjectKey { get; init; } = [];

    /// <summary>
    /// Gets the fields shown as evidence. Empty (the default) shows the subject key and every field the condition reads.
    /// </summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>
    /// Gets values the clues show that no field holds, each computed from the record by an expression (unpaid:
    /// <c>awarded - paid</c>). One that <see cref="Evidence"/> names appears there in its place; the others follow the
    /// listed evidence. A title may name them as <c>{name}</c>, <see cref="Material"/> may list them. A value computed
    /// from a personal field is personal: text and dates are masked as that field, numbers wholly (except an age or a
    /// length); a value whose expression cannot be evaluated on a record (a division by zero) is shown as
    /// <c>not evaluated (RE4002)</c>, and the clue is still given. In a window rule's clue the values are computed
    /// over the window's aggregates (<c>avg(by_default)</c>, <c>sum(amount) / count()</c>), as its having is, and
    /// follow the aggregates.
    /// </summary>
    public IReadOnlyList<ComputedEvidence> Computed { get; init; } = [];

    /// <summary>
    /// Gets the evidence fields whose change matters: when a re-run finds a clue that a prosecutor already closed and
    /// one of these values differs from the closed clue's, a clue store opens it again (the subsidy kept being paid, the
    /// amount grew). A field named here and not in <see cref="Evidence"/> is shown as evidence too. Empty (the default):
    /// a closed clue stays closed whatever its evidence.
    /// </summary>
    public IReadOnlyList<string> Material { get; init; } = [];

    /// <summary>Gets how urgently the clues should be verified.</summary>
    /// <value>The default is <see cref="ClueSeverity.Medium"/>.</value>
    public ClueSeverity Severity { get; init; } = ClueSeverity.Medium;

    /// <summary>Gets the suggested action for the prosecutor, such as <c>向公安交管部门制发检察建议</c>.</summary>
    public string? Action { get; init; }

    /// <summary>Gets where the clue specification is declared, for problems with its fields; <see cref="SourceLocation.None"/> uses the rule's location.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Gets where <see cref="Title"/>'s characters stand in their file, so a bad placeholder is reported where it is written.</summary>
    public SourceMap? TitleSource { get; init; }

    /// <summary>Gets where each item of <see cref="Evidence"/> is written, in the same order; empty when not known.</summary>
    public IReadOnlyList<SourceLocation> EvidenceLocations { get; init; } = [];

    /// <summary>Gets where each item of <see cref="Material"/> is written, in the same order; empty when not known.</summary>
    public IReadOnlyList<SourceLocation> MaterialLocations { get; init; } = [];

    /// <summary>Gets where each item of <see cref="SubjectKey"/> is written, in the same order; empty when not known.</summary>
    public IReadOnlyList<SourceLocation> SubjectKeyLocations { get; init; } = [];
}
