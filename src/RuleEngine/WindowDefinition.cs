using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>
/// Counting per key: the records that meet a rule's condition are grouped by <see cref="GroupBy"/>, and a clue is
/// raised for each key and episode in which some window of <see cref="Days"/> days (or <see cref="Months"/> months)
/// meets <see cref="Having"/> (such as <c>count() &gt;= 10</c>); with <see cref="Consecutive"/>, for each run of at
/// least that many consecutive days or months that all hold a record; without <see cref="Over"/>, for each key whose
/// records over the whole input meet <see cref="Having"/>.
/// </summary>
/// <param name="GroupBy">The field the records are grouped by: a person's ID number, a company's credit code.</param>
/// <param name="Over">
/// The date, datetime or year_month field that places each record in time (a datetime counts by its calendar day, a
/// year_month by its month); <see langword="null"/> to count each key's records over the whole input, as one group.
/// </param>
/// <param name="Days">The window's span: records at most this many days apart share a window (730 days: day 0 and day 730 do, day 731 does not). Unused without <see cref="Over"/>.</param>
/// <param name="Having">
/// A condition over aggregates of a window's records: <c>count()</c>, <c>count_distinct(field)</c>,
/// <c>sum(field)</c>, <c>avg(field)</c>, <c>min(field)</c>, <c>max(field)</c>, and parameters. A window rule's
/// <see cref="ClueSpec.Computed"/> values read the same aggregates.
/// </param>
public sealed record WindowDefinition(string GroupBy, string? Over, int Days, string Having)
{
    /// <summary>
    /// Gets the window's span in calendar months, for a window over a year_month field, used instead of
    /// <see cref="Days"/>: months at most this many apart share a window (2: March and May do, June does not).
    /// </summary>
    /// <value><see langword="null"/> for a span in days.</value>
    public int? Months { get; init; }

    /// <summary>
    /// Gets the length of a run to report instead of a sliding window: a clue for each run of at least this many
    /// consecutive periods of a key — days over a date or datetime field, months over a year_month — each holding a
    /// counted record, whose records together meet <see cref="Having"/> ("TRUE" to ask nothing more). A run ends at
    /// the first period without a record; the clue lists its first and last period.
    /// </summary>
    /// <value><see langword="null"/> for a sliding window.</value>
    public int? Consecutive { get; init; }

    /// <summary>Gets how many member records a clue lists as evidence; the clue always gives the total.</summary>
    /// <value>The default is 50.</value>
    public int MaxEvidence { get; init; } = 50;

    /// <summary>Gets where <see cref="Having"/>'s characters stand in their file.</summary>
    public SourceMap? HavingSource { get; init; }

    /// <summary>Initializes a new instance of the <see cref="WindowDefinition"/> class that counts each key's records over the whole input.</summary>
    /// <param name="groupBy">The field the records are grouped by.</param>
    /// <param name="having">A condition over aggregates of a key's records.</param>
    public WindowDefinition(string groupBy, string having)
        : this(groupBy, null, 0, having)
    {
    }

    /// <summary>Gets where the window is declared.</summary>
    public SourceLocation Location { get; init; }
}
