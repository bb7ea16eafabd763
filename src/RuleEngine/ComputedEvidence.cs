using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>
/// A value a clue shows that no field holds, computed from the rule's record, its joined records and the model's
/// parameters (<see cref="ClueSpec.Computed"/>) — or, for a window rule, from the window's aggregates: the
/// compensation still unpaid, the days a report was late, a lender's share of default judgments.
/// </summary>
/// <param name="Name">The name the value is shown under, in evidence and as a <c>{name}</c> placeholder of the title; not the name of a field of the rule's dataset.</param>
/// <param name="Expression">The value in the condition language, such as <c>awarded - paid</c> or <c>days_between(effective_date, r.report_date)</c>.</param>
public sealed record ComputedEvidence(string Name, string Expression)
{
    /// <summary>Gets where <see cref="Expression"/>'s characters stand in their file, so a problem in it is reported where it is written.</summary>
    public SourceMap? Source { get; init; }

    /// <summary>Gets where the item is declared, for problems with its name; <see cref="SourceLocation.None"/> uses the clue's location.</summary>
    public SourceLocation Location { get; init; }
}
