namespace RuleEngine;

/// <summary>In what order a window rule places the records it counts (<see cref="RunOptions.WindowOrder"/>).</summary>
public enum WindowOrder
{
    /// <summary>
    /// The engine sorts the counted records by date itself (in memory up to
    /// <see cref="RunOptions.WindowSortBufferRecords"/>, then through spill files) and places them when the input
    /// ends: the clues do not depend on the order of the input, and no record is ever late. For inputs that end:
    /// files, tables, host collections.
    /// </summary>
    Exact,

    /// <summary>
    /// Records are placed as they arrive and episodes close while the input is read, which an input that never ends
    /// (a stream of messages) needs. Records must be in date order within their key, give or take
    /// <see cref="RunOptions.WindowLatenessDays"/>; a record later than that is a rule error (RE5009), never
    /// miscounted.
    /// </summary>
    Arrival,
}
