using RuleEngine.ChineseData;

namespace RuleEngine.Scripting.Api;

/// <summary>
/// Calendar arithmetic as legal periods count it. Scripts have no clock: "today" is a date field or a parameter,
/// so a run gives the same clues whenever it runs.
/// </summary>
public static class Dates
{
    /// <summary>Counts the days from one date to another; negative when <paramref name="to"/> is earlier.</summary>
    /// <param name="from">The first date.</param>
    /// <param name="to">The second date.</param>
    /// <returns>The days, or <see langword="null"/> when a date is unknown.</returns>
    public static int? DaysBetween(DateOnly? from, DateOnly? to) => from is { } a && to is { } b ? b.DayNumber - a.DayNumber : null;

    /// <summary>Counts whole months, as a legal period runs: 31 January + 1 month is the last day of February.</summary>
    /// <param name="from">The first date.</param>
    /// <param name="to">The second date.</param>
    /// <returns>The months, or <see langword="null"/> when a date is unknown.</returns>
    public static int? FullMonthsBetween(DateOnly? from, DateOnly? to) => from is { } a && to is { } b ? DateCalculations.FullMonthsBetween(a, b) : null;

    /// <summary>Counts whole years (an age, a term served).</summary>
    /// <param name="from">The first date.</param>
    /// <param name="to">The second date.</param>
    /// <returns>The years, or <see langword="null"/> when a date is unknown.</returns>
    public static int? FullYearsBetween(DateOnly? from, DateOnly? to) => from is { } a && to is { } b ? DateCalculations.FullYearsBetween(a, b) : null;

    /// <summary>Adds months to a date, ending on the month's last day where the day does not exist.</summary>
    /// <param name="date">The date.</param>
    /// <param name="months">The months to add.</param>
    /// <returns>The date, or <see langword="null"/> when the date is unknown.</returns>
    public static DateOnly? AddMonths(DateOnly? date, int months) => date?.AddMonths(months);

    /// <summary>Checks whether two periods share at least one day (both ends included; an unknown end runs on).</summary>
    /// <param name="start1">The first period's start.</param>
    /// <param name="end1">The first period's end, or <see langword="null"/> for open.</param>
    /// <param name="start2">The second period's start.</param>
    /// <param name="end2">The second period's end, or <see langword="null"/> for open.</param>
    /// <returns>Whether they overlap; <see langword="false"/> when a start is unknown.</returns>
    public static bool Overlaps(DateOnly? start1, DateOnly? end1, DateOnly? start2, DateOnly? end2) =>
        start1 is { } s1 && start2 is { } s2 && (end2 is not { } e2 || s1 <= e2) && (end1 is not { } e1 || s2 <= e1);
}
