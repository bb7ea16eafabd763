using RuleEngine.Records;

namespace RuleEngine;

/// <summary>What a run did: how many records it read, matched and rejected, the clues per rule, and how long it took.</summary>
public sealed record RunSummary
{
    /// <summary>Gets how many records were read, rejected ones included.</summary>
    public long RecordsRead { get; init; }

    /// <summary>
    /// Gets how many records produced at least one clue by themselves. A window rule's clue is for a group of records
    /// over a period, not for one record: those are counted in <see cref="WindowClues"/>, not here.
    /// </summary>
    public long RecordsMatched { get; init; }

    /// <summary>Gets how many clues window rules emitted (each for a group of records; part of <see cref="CluesEmitted"/>).</summary>
    public long WindowClues { get; init; }

    /// <summary>Gets how many records the host's exclusions kept from every rule (<see cref="RuleSetBuilder.Exclude"/>), reference datasets included.</summary>
    public long RecordsExcluded { get; init; }

    /// <summary>Gets how many records could not be read.</summary>
    public long RecordsRejected { get; init; }

    /// <summary>
    /// Gets how many field values were read but are suspect (RE5012: an ID number that is not valid); their records
    /// were evaluated. Listed in <see cref="Rejections"/> with the others.
    /// </summary>
    public long FieldWarnings { get; init; }

    /// <summary>Gets how many times a rule could not be evaluated on a record (reported as NotEvaluated, never as "no clue").</summary>
    public long RuleErrors { get; init; }

    /// <summary>
    /// Gets how many clues repeated the fingerprint of an earlier clue of the run: the same rule and subject again,
    /// as when a business key appears twice in the input. Both are emitted (downstream de-duplicates by fingerprint);
    /// this counts them. Fingerprints are tracked up to <see cref="RunOptions.MaxTrackedFingerprints"/>.
    /// </summary>
    public long RepeatedClues { get; init; }

    /// <summary>Gets how many clues were emitted.</summary>
    public long CluesEmitted { get; init; }

    /// <summary>Gets the number of records read per dataset, ordered by dataset name.</summary>
    public IReadOnlyDictionary<string, long> RecordsReadPerDataset { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>
    /// Gets where the physical lines of each dataset's text inputs (CSV, JSON Lines) went — header, records, blank —
    /// ordered by dataset name. A source read to its end accounts for every line (<see cref="LineAccount.Unaccounted"/> is 0).
    /// </summary>
    public IReadOnlyDictionary<string, LineAccount> LinesPerDataset { get; init; } = new SortedDictionary<string, LineAccount>(StringComparer.Ordinal);

    /// <summary>Gets the number of clues per rule id, ordered by rule id; rules without clues show 0.</summary>
    public IReadOnlyDictionary<string, long> CluesPerRule { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Gets the first rejections and rule errors, in input order (up to <see cref="RunOptions.MaxReportedRejections"/>).</summary>
    public IReadOnlyList<RecordRejection> Rejections { get; init; } = [];

    /// <summary>Gets how many records each reference dataset held in memory for joins, by dataset.</summary>
    public IReadOnlyDictionary<string, long> ReferenceRecordsPerDataset { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Gets the largest number of records each window rule held at once, by rule id.</summary>
    public IReadOnlyDictionary<string, long> PeakWindowStatePerRule { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Gets how many records each derived dataset (a stage of a multi-stage model) received, by name.</summary>
    public IReadOnlyDictionary<string, long> DerivedRecordsPerDataset { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Gets, by rule id, what sorting their counted records cost the window rules (<see cref="WindowOrder.Exact"/>).</summary>
    public IReadOnlyDictionary<string, WindowSortFigures> WindowSortsPerRule { get; init; } = new SortedDictionary<string, WindowSortFigures>(StringComparer.Ordinal);

    /// <summary>Gets the rules taken out of the run because they failed on too many records, in the order it happened.</summary>
    public IReadOnlyList<RuleQuarantine> QuarantinedRules { get; init; } = [];

    /// <summary>Gets a value indicating whether the run stopped early because of its <see cref="BadRecordPolicy"/>.</summary>
    public bool StoppedByPolicy { get; init; }

    /// <summary>Gets how long the run took.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The summary in one line, for a log: the counts and the time, never a record's values.</summary>
    /// <returns>Such as <c>Records read 734, matched 69, rejected 0, rule errors 0, field warnings 0; clues 72 (3 repeated); 0.6 s</c>.</returns>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"Records read {RecordsRead}, matched {RecordsMatched}{(WindowClues > 0 ? $" (and {WindowClues} window clue(s), each over a group)" : string.Empty)}, rejected {RecordsRejected}, rule errors {RuleErrors}, field warnings {FieldWarnings}; clues {CluesEmitted} ({RepeatedClues} repeated){(StoppedByPolicy ? "; stopped by the bad-record policy" : string.Empty)}; {Elapsed.TotalSeconds:0.0} s");
}

/// <summary>
/// A rule that failed on so many records that the run stopped evaluating it (RE5010): from <see cref="Line"/> on, its
/// dataset's records were not evaluated by it, so its silence there is not "no clue".
/// </summary>
/// <param name="RuleId">The rule.</param>
/// <param name="Dataset">The dataset the rule reads.</param>
/// <param name="Line">The line (or row) of the record at which the rule was quarantined.</param>
/// <param name="Errors">How many records the rule had failed on.</param>
/// <param name="RecordsRead">How many records of the dataset had been read.</param>
public sealed record RuleQuarantine(string RuleId, string Dataset, long Line, long Errors, long RecordsRead);

/// <summary>What sorting a window rule's counted records by date cost (<see cref="WindowOrder.Exact"/>).</summary>
/// <param name="Records">The records sorted.</param>
/// <param name="SpilledRuns">How many sorted runs were written to spill files (0: the sort fit in memory).</param>
/// <param name="SpilledBytes">How many bytes the spill files took.</param>
public sealed record WindowSortFigures(long Records, int SpilledRuns, long SpilledBytes);
