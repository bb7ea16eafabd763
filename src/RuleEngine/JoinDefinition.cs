using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>How a rule's records meet the records of a reference dataset.</summary>
public enum JoinKind
{
    /// <summary>The rule looks only at records that have a match (data collision, 数据碰撞).</summary>
    Inner,

    /// <summary>Records without a match are kept, with the reference's fields NULL.</summary>
    Left,

    /// <summary>The rule looks only at records that have a match; the reference's fields are not used in the condition.</summary>
    Exists,

    /// <summary>The rule looks only at records that have no match: an expected follow-up is missing.</summary>
    NotExists,
}

/// <summary>Which of several matching reference records a rule looks at.</summary>
public enum JoinMatch
{
    /// <summary>The first match in the reference's input order; one clue per record at most.</summary>
    Any,

    /// <summary>Every match; a clue per matching pair.</summary>
    All,

    /// <summary>The match with the latest value of <see cref="JoinDefinition.LatestBy"/>.</summary>
    Latest,
}

/// <summary>
/// A reference dataset joined to a rule's records on key fields: a registry loaded into a hash index, past which
/// the rule's (large) dataset streams. Key values are normalised (trimmed, full-width folded, upper-cased; a 15-digit
/// ID number matches its 18-digit form).
/// </summary>
/// <param name="Dataset">The reference dataset.</param>
/// <param name="Alias">The name the rule's conditions use for it, such as <c>lic</c> in <c>lic.status</c>.</param>
/// <param name="Kind">How records meet it.</param>
public sealed record JoinDefinition(string Dataset, string Alias, JoinKind Kind)
{
    /// <summary>
    /// Gets the key: pairs of a field (or expression) of the rule's records — or of an earlier join, qualified by its
    /// alias — and a field of the reference, such as <c>("c.person_id", "person_id")</c>.
    /// </summary>
    public IReadOnlyList<(string Left, string Right)> On { get; init; } = [];

    /// <summary>Gets an extra condition a match must meet, over the rule's records and this reference (<c>lic.status_date &gt;= c.effective_date</c>).</summary>
    public string? Where { get; init; }

    /// <summary>Gets which match the rule looks at.</summary>
    /// <value>The default is <see cref="JoinMatch.Any"/>.</value>
    public JoinMatch Match { get; init; } = JoinMatch.Any;

    /// <summary>Gets the reference field that orders matches for <see cref="JoinMatch.Latest"/>.</summary>
    public string? LatestBy { get; init; }

    /// <summary>
    /// Gets aggregates over every match (after <see cref="Where"/>) that replace the matches in the rule's scope: the
    /// alias then names one record whose fields are the aggregates (<c>a.accidents</c>), so the rule sees each of its
    /// records once, with how many matched and what they held, and gives at most one clue per record.
    /// </summary>
    /// <value>The default is none: the rule sees the matches themselves.</value>
    public IReadOnlyList<JoinAggregate> Aggregates { get; init; } = [];

    /// <summary>Gets where <see cref="Where"/>'s characters stand in their file.</summary>
    public SourceMap? WhereSource { get; init; }

    /// <summary>Gets where each pair of <see cref="On"/> is written, its two sides' characters, in the same order; empty when not known.</summary>
    public IReadOnlyList<(SourceMap? Left, SourceMap? Right)> OnSources { get; init; } = [];

    /// <summary>Gets where the join is declared.</summary>
    public SourceLocation Location { get; init; }
}

/// <summary>
/// One aggregate of a join's matches (<see cref="JoinDefinition.Aggregates"/>): <c>count()</c>,
/// <c>count_distinct(x)</c>, <c>sum(x)</c> (exact for decimals), <c>min(x)</c>, <c>max(x)</c>, <c>first(x)</c>,
/// <c>last(x)</c>, or <c>list(x)</c> (the values as text, in match order, at most
/// <see cref="JoinAggregate.MaxListItems"/>), where <c>x</c> is an expression over the rule's record, earlier joins
/// and this join's match, such as <c>min(days_between(a.accident_date, claim_date))</c>. <c>first</c>, <c>last</c>
/// and <c>list</c> take an order (<c>first(a.case_no ORDER BY a.accident_date DESC)</c>), and <c>list</c> a limit
/// (<c>list(a.case_no ORDER BY a.loss DESC LIMIT 3)</c>); NULL order values come last.
/// </summary>
/// <param name="Name">The aggregate's name: a field of the join's alias in the rule's condition, evidence and title.</param>
/// <param name="Expression">The aggregate, as in <c>count_distinct(a.case_no)</c>.</param>
public sealed record JoinAggregate(string Name, string Expression)
{
    /// <summary>The most values <c>list(x)</c> keeps; the count is always exact.</summary>
    public const int MaxListItems = 50;

    /// <summary>Gets where <see cref="Expression"/>'s characters stand in their file, so a problem in it is reported where it is written.</summary>
    public Diagnostics.SourceMap? Source { get; init; }
}
