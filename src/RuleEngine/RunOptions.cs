namespace RuleEngine;

/// <summary>How a run reads, evaluates and reports.</summary>
public sealed record RunOptions
{
    /// <summary>Gets what happens on a bad record or a rule that fails on a record.</summary>
    /// <value>The default is <see cref="BadRecordPolicy.Skip"/>: report, count and go on.</value>
    public BadRecordPolicy BadRecords { get; init; } = BadRecordPolicy.Skip;

    /// <summary>Gets how many batches are evaluated at once. Output order does not depend on it.</summary>
    /// <value>The default is the number of processors.</value>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Gets how many records make a batch.</summary>
    /// <value>The default is 1024.</value>
    public int BatchSize { get; init; } = 1024;

    /// <summary>
    /// Gets a value indicating whether clues show personal fields (ID numbers, names, phones) unmasked.
    /// Only a caller entitled to see them should set it.
    /// </summary>
    /// <value>The default is <see langword="false"/>: personal fields are masked, as in <c>110105********1234</c>.</value>
    public bool RevealPersonalData { get; init; }

    /// <summary>
    /// Gets the key of the HMAC that turns a rule and a subject into a clue's fingerprint. Hosts should set a
    /// secret key of their own, so fingerprints cannot be reversed into ID numbers by trying every number.
    /// </summary>
    /// <value>The default is a fixed, public key: fingerprints are stable, but not secret.</value>
    public ReadOnlyMemory<byte> FingerprintKey { get; init; } = "RuleEngine.ClueFingerprint.v1"u8.ToArray();

    /// <summary>Gets how many rejections the summary lists one by one; all are counted.</summary>
    /// <value>The default is 1000.</value>
    public int MaxReportedRejections { get; init; } = 1000;

    /// <summary>
    /// Gets how many records a rule may fail on before it can be quarantined: taken out of the rest of the run
    /// (reported in <see cref="RunSummary.QuarantinedRules"/>) while the other rules go on. Quarantine needs both this
    /// many failures and a share of failures above <see cref="QuarantineErrorShare"/>.
    /// </summary>
    /// <value>The default is 100; <see cref="long.MaxValue"/> turns quarantine off.</value>
    public long QuarantineAfterErrors { get; init; } = 100;

    /// <summary>Gets the share of its dataset's records read so far that a rule must fail on to be quarantined.</summary>
    /// <value>The default is 0.1 (one record in ten).</value>
    public double QuarantineErrorShare { get; init; } = 0.1;

    /// <summary>
    /// Gets the longest text a clue's evidence carries; a longer value (the full facts of a judgment, say) is cut and
    /// marked with how many characters were left out, so a clue stays small whatever the record holds.
    /// </summary>
    /// <value>The default is 2,000 characters.</value>
    public int MaxEvidenceLength { get; init; } = 2000;

    /// <summary>Gets how many distinct clue fingerprints a run remembers to count repeated clues (<see cref="RunSummary.RepeatedClues"/>); about 40 bytes each.</summary>
    /// <value>The default is 5,000,000.</value>
    public int MaxTrackedFingerprints { get; init; } = 5_000_000;

    /// <summary>Gets how many records the reference datasets of a run may hold in memory, together.</summary>
    /// <value>The default is 10,000,000.</value>
    public long MaxReferenceRecords { get; init; } = 10_000_000;

    /// <summary>Gets how many records window rules may hold in their windows and episodes, per rule.</summary>
    /// <value>The default is 2,000,000.</value>
    public long MaxWindowState { get; init; } = 2_000_000;

    /// <summary>
    /// Gets in what order window rules place the records they count: sorted by the engine (the answer does not depend
    /// on the input's order) or as they arrive (for inputs that never end).
    /// </summary>
    /// <value>The default is <see cref="RuleEngine.WindowOrder.Exact"/>.</value>
    public WindowOrder WindowOrder { get; init; } = WindowOrder.Exact;

    /// <summary>
    /// Gets how many counted records a window rule sorts in memory (<see cref="RuleEngine.WindowOrder.Exact"/>) before
    /// it writes them, sorted, to a spill file; the files are merged when the input ends. A record takes about 100 to
    /// 300 bytes in memory, depending on the fields the rule keeps.
    /// </summary>
    /// <value>The default is 250,000.</value>
    public int WindowSortBufferRecords { get; init; } = 250_000;

    /// <summary>
    /// Gets the folder for spill files of window sorts. They hold personal data: they are readable by the run's user
    /// only, and removed from the folder as soon as they are created (Linux, macOS) or when closed (Windows).
    /// </summary>
    /// <value>The default is <see langword="null"/>: the system's temporary folder.</value>
    public string? SpillDirectory { get; init; }

    /// <summary>
    /// Gets how many days a window rule waits, in <see cref="RuleEngine.WindowOrder.Arrival"/>, after the latest date
    /// seen, before it closes a key that has gone quiet. Input ordered by date needs none; input grouped by key needs
    /// enough to cover the spread of dates between keys. A record that comes back for a window already closed is
    /// reported as late (RE5009), never silently miscounted. <see cref="RuleEngine.WindowOrder.Exact"/> needs no lateness.
    /// </summary>
    /// <value>The default is 31 days.</value>
    public int WindowLatenessDays { get; init; } = 31;

    /// <summary>
    /// Gets a value indicating whether every field of every record is parsed and checked, including the fields no
    /// rule, clue, join, window or key of the run reads.
    /// </summary>
    /// <value>The default is <see langword="false"/>: readers parse only the fields the run reads (CSV and JSON Lines
    /// leave the others as text, Parquet and Arrow do not decode their columns), so a malformed value in a field
    /// nothing reads neither costs time nor rejects its record. Set it to audit an export's every value.</value>
    public bool CheckEveryField { get; init; }

    /// <summary>
    /// Gets a value indicating whether a record whose ID-number field is not a valid ID number is rejected (RE5012)
    /// rather than evaluated with a field warning.
    /// </summary>
    /// <value>The default is <see langword="false"/>: the record is evaluated (rules can test <c>id_valid</c>), and the
    /// warning is counted in <see cref="RunSummary.FieldWarnings"/>, listed and dead-lettered.</value>
    public bool RejectInvalidIdNumbers { get; init; }

    /// <summary>
    /// Gets where every rejected record and rule error goes, besides the summary's count: a dead-letter file
    /// (<see cref="Records.JsonLinesDeadLetterSink"/>), in input order. The summary lists only the first
    /// <see cref="MaxReportedRejections"/>; a dead-letter sink gets them all.
    /// </summary>
    /// <value>The default is <see langword="null"/>: failures are counted and listed in the summary only.</value>
    public Records.IDeadLetterSink? DeadLetters { get; init; }

    /// <summary>
    /// Gets how a rejected record's raw text is protected before it goes into a dead letter (encrypted with a host
    /// key, say). The raw text is personal data: without a protector, dead letters carry no payload.
    /// </summary>
    /// <value>The default is <see langword="null"/>: no payload.</value>
    public Func<string, string>? ProtectDeadLetter { get; init; }

    /// <summary>
    /// Gets where the run reports its progress, after each batch of records, in input order: the dataset, the records
    /// read and clues emitted so far, and how far through its input the source is, when that is known.
    /// </summary>
    /// <value>The default is <see langword="null"/>: no reports.</value>
    public IProgress<RunProgress>? Progress { get; init; }

    /// <summary>
    /// Gets where a run resumed from a checkpoint starts: the sources before <see cref="RunPosition.SourceIndex"/> are
    /// not run again (reference datasets are still loaded) and that source starts after its first
    /// <see cref="RunPosition.SourceRecords"/> records. The summary then counts the resumed part only. A window rule's
    /// state is not part of a position: resume a source with window rules from its start.
    /// </summary>
    /// <value>The default is <see langword="null"/>: from the start.</value>
    public RunPosition? ResumeFrom { get; init; }

    /// <summary>Gets the clock used to measure the run.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>How far a run has come (<see cref="RunOptions.Progress"/>).</summary>
/// <param name="Dataset">The dataset being read.</param>
/// <param name="RecordsRead">The records read so far in the run, all datasets together.</param>
/// <param name="CluesEmitted">The clues emitted so far.</param>
/// <param name="Fraction">How far through its input the current source is, from 0 to 1; <see langword="null"/> when its length is unknown.</param>
public sealed record RunProgress(string Dataset, long RecordsRead, long CluesEmitted, double? Fraction)
{
    /// <summary>
    /// Gets the position reached: every record before it has been evaluated and its clues handed to the sink (a
    /// checkpoint may record it, once the sink's output is safely stored, to resume from it).
    /// </summary>
    public RunPosition Position { get; init; } = new(0, 0);

    /// <summary>
    /// Gets how far the whole run is, from 0 to 1: all its sources, reference datasets loaded for joins included,
    /// weighed by their sizes; <see langword="null"/> when a source's size is not known (a stream, objects).
    /// </summary>
    public double? OverallFraction { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Dataset"/> is being loaded for joins, before any rule runs on it.</summary>
    public bool LoadingReferences { get; init; }
}

/// <summary>A place in a run's input: a source (its index in the list given to the run) and how many of its records, read or rejected.</summary>
/// <param name="SourceIndex">The source's index in the run's list of sources.</param>
/// <param name="SourceRecords">How many records of that source, rejected ones included, come before the position.</param>
public sealed record RunPosition(int SourceIndex, long SourceRecords);
