using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>A join ready to run: its key on each side, its extra condition, and where its record sits in the context.</summary>
internal sealed class CompiledJoin
{
    public required JoinDefinition Definition { get; init; }

    /// <summary>Gets the slot of the joined record in the record context (the rule's record is slot 0).</summary>
    public required int Source { get; init; }

    public required RecordLayout Layout { get; init; }

    public required Func<Record[], object?>[] LeftKey { get; init; }

    /// <summary>Gets the key of a reference record, evaluated with that record in slot <see cref="Source"/>.</summary>
    public required Func<Record[], object?>[] RightKey { get; init; }

    public Func<Record[], bool>? Where { get; init; }

    /// <summary>Gets the bound key expressions over the record context (left) and the reference (right), for SQL back ends.</summary>
    public required (Language.BoundExpression Left, Language.BoundExpression Right)[] KeyExpressions { get; init; }

    /// <summary>Gets the bound <c>where</c>, or <see langword="null"/>.</summary>
    public Language.BoundExpression? WhereExpression { get; init; }

    /// <summary>Gets the reference field that orders matches for <see cref="JoinMatch.Latest"/>, or -1.</summary>
    public int LatestField { get; init; } = -1;

    /// <summary>
    /// Gets the reference field that starts an interval the join's <c>where</c> tests with <c>overlaps</c>, or -1.
    /// When set, each key's matches are sorted by it, and only those starting by <see cref="IntervalProbeEnd"/> are scanned.
    /// </summary>
    public int IntervalStartField { get; init; } = -1;

    /// <summary>Gets the end of the rule's own interval, over the record context (a day number, or NULL).</summary>
    public Func<Record[], object?>? IntervalProbeEnd { get; init; }

    /// <summary>Gets the all-NULL record that stands in for a missing match.</summary>
    public required Record NullRecord { get; init; }

    /// <summary>Gets the aggregates that replace the matches in the context, for an aggregating join; otherwise <see langword="null"/>.</summary>
    public JoinAggregation? Aggregates { get; init; }
}
