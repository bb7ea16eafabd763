using RuleEngine.Clues;
using RuleEngine.Records;

namespace RuleEngine;

/// <summary>What the rules of a dataset make of one record (<see cref="RuleSet.ExplainAsync"/>).</summary>
public sealed record RecordExplanation
{
    /// <summary>Gets the dataset of the record.</summary>
    public required string Dataset { get; init; }

    /// <summary>Gets the record's line (text sources) or row.</summary>
    public required long Line { get; init; }

    /// <summary>Gets a value indicating whether the source has a record at that line.</summary>
    public bool Found { get; init; }

    /// <summary>Gets why the record could not be read, when it could not; the rules were then not evaluated.</summary>
    public RecordRejection? Rejection { get; init; }

    /// <summary>Gets the record's fields and values (personal values masked unless the options reveal them).</summary>
    public IReadOnlyList<EvidenceValue> Values { get; init; } = [];

    /// <summary>Gets each rule of the dataset, in rule order, with its verdict and the value of each of its conditions.</summary>
    public IReadOnlyList<RuleExplanation> Rules { get; init; } = [];
}

/// <summary>What one rule makes of a record.</summary>
/// <param name="RuleId">The rule.</param>
/// <param name="Verdict">Whether the record is a clue of the rule.</param>
/// <param name="Conditions">Each condition of the rule (the leaves of its condition, and its script) with its value on the record.</param>
public sealed record RuleExplanation(string RuleId, RuleVerdict Verdict, IReadOnlyList<ConditionOutcome> Conditions)
{
    /// <summary>Gets the model of the rule.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the code of the failure, for <see cref="RuleVerdict.NotEvaluated"/>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Gets what a reader needs to know beyond the conditions (the failure, or what a window rule still needs).</summary>
    public string? Note { get; init; }

    /// <summary>
    /// Gets, for <see cref="RuleVerdict.Derives"/>, the record the rule derives and what the rules of the next stage
    /// make of it (and so on through the stages): the record's path through a multi-stage model.
    /// </summary>
    /// <value><see langword="null"/> unless the rule derives a record.</value>
    public RecordExplanation? Derived { get; init; }

    /// <summary>
    /// Gets, for <see cref="RuleVerdict.Clue"/>, the clue the record gives — its title, subject and evidence, computed
    /// values included, masked as a run's clues are — so an author sees what a prosecutor will (for a rule that joins,
    /// the clue of the first joined record).
    /// </summary>
    /// <value><see langword="null"/> unless the record is a clue of the rule.</value>
    public Clues.Clue? Clue { get; init; }

    /// <summary>
    /// Gets, for a rule that joins, the record each join took for the conditions shown (the first match the rule
    /// keeps), or that none matched; an aggregating join's record is its aggregates.
    /// </summary>
    public IReadOnlyList<JoinedRecord> Joined { get; init; } = [];
}

/// <summary>The record a join of an explained rule took.</summary>
/// <param name="Alias">The join's alias (<c>d</c> in <c>d.death_date</c>).</param>
/// <param name="Dataset">The joined dataset.</param>
/// <param name="Line">The joined record's line; <see langword="null"/> when no record matches (or for an anti-join, whose point is that none does).</param>
/// <param name="Values">The joined record's fields and values (personal values masked unless the options reveal them), or an aggregating join's aggregates.</param>
public sealed record JoinedRecord(string Alias, string Dataset, long? Line, IReadOnlyList<EvidenceValue> Values)
{
    /// <summary>Gets the kind of join: whether a match is needed, optional, or what must not exist.</summary>
    public JoinKind Kind { get; init; }

    /// <summary>Gets the join's key condition as written, such as <c>credit_code = p.credit_code</c>.</summary>
    public string On { get; init; } = string.Empty;

    /// <summary>Gets the join's <c>where</c> as written, or <see langword="null"/>.</summary>
    public string? Where { get; init; }

    /// <summary>Gets how many reference records share the record's key: <see langword="null"/> when the key is empty (it joins nothing).</summary>
    public int? WithKey { get; init; }

    /// <summary>Gets how many of those meet the join's <c>where</c> (all of them when it has none).</summary>
    public int Matching { get; init; }
}

/// <summary>Whether a record is a clue of a rule.</summary>
public enum RuleVerdict
{
    /// <summary>The record is a clue: the whole condition is TRUE (and, for a join rule, a joined record matches).</summary>
    Clue,

    /// <summary>The record is not a clue: the condition is FALSE or UNKNOWN, or no joined record matches.</summary>
    NoClue,

    /// <summary>The rule failed on the record (a code says why); the record is neither a clue nor cleared.</summary>
    NotEvaluated,

    /// <summary>A window rule's filter holds: the record counts in its key's window, and whether that makes a clue depends on the other records of the window.</summary>
    CountsInWindow,

    /// <summary>
    /// A deriving rule's condition holds: the record becomes a record of the rule's derived dataset (a stage), and the
    /// rules that read that dataset decide whether it leads to a clue.
    /// </summary>
    Derives,
}
