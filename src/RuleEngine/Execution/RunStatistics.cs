using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>Counts what a run does. Updated only by the run's single, ordered emitter, so it needs no locks.</summary>
internal sealed class RunStatistics
{
    private readonly RunOptions _options;
    private readonly Dictionary<string, long> _cluesPerRule = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _readPerDataset = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, LineAccount> _linesPerDataset = new(StringComparer.Ordinal);
    private readonly List<RecordRejection> _rejections = [];
    private readonly SortedDictionary<string, long> _referenceRecords = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _peakWindowState = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, WindowSortFigures> _windowSorts = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _derived = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _errorsPerRule = new(StringComparer.Ordinal);
    private readonly List<RuleQuarantine> _quarantined = [];
    private readonly FingerprintSet _fingerprints = new();

    public RunStatistics(RunOptions options, IEnumerable<string> ruleIds)
    {
        _options = options;
        foreach (string id in ruleIds)
        {
            _cluesPerRule[id] = 0;
        }
    }

    public long RecordsRead { get; private set; }

    public long RecordsMatched { get; private set; }

    public long RecordsRejected { get; private set; }

    public long RuleErrors { get; private set; }

    public long FieldWarnings { get; private set; }

    public long RecordsExcluded { get; private set; }

    public void Excluded() => RecordsExcluded++;

    public long CluesEmitted { get; private set; }

    public long Failures => RecordsRejected + RuleErrors;

    public void Read(string dataset, long count)
    {
        RecordsRead += count;
        _readPerDataset[dataset] = _readPerDataset.GetValueOrDefault(dataset) + count;
    }

    public void Matched() => RecordsMatched++;

    /// <summary>Gets how many of the clues window rules emitted, each for a group of records rather than for one.</summary>
    public long WindowClues { get; private set; }

    /// <summary>Counts a clue of a window rule (after <see cref="Clue"/>).</summary>
    public void WindowClue() => WindowClues++;

    /// <summary>Adds where the lines of one text input went (called once per source, after it was read).</summary>
    public void Lines(string dataset, LineAccount? lines)
    {
        if (lines is not null)
        {
            _linesPerDataset[dataset] = _linesPerDataset.TryGetValue(dataset, out LineAccount? sum) ? sum.Add(lines) : lines;
        }
    }

    public void ReferenceRecords(string dataset, long count) => _referenceRecords[dataset] = count;

    /// <summary>Counts a record a deriving rule published.</summary>
    public void Derived(string dataset) => _derived[dataset] = _derived.GetValueOrDefault(dataset) + 1;

    /// <summary>Records what a window rule held at most and what sorting its records cost.</summary>
    public void Window(string ruleId, WindowProcessor processor)
    {
        _peakWindowState[ruleId] = Math.Max(processor.PeakState, _peakWindowState.GetValueOrDefault(ruleId));
        if (processor.SortFigures is { } sort)
        {
            _windowSorts[ruleId] = _windowSorts.TryGetValue(ruleId, out WindowSortFigures? before)
                ? new WindowSortFigures(before.Records + sort.Records, before.SpilledRuns + sort.SpilledRuns, before.SpilledBytes + sort.SpilledBytes)
                : sort;
        }
    }

    public long RepeatedClues { get; private set; }

    public void Clue(Clues.Clue clue)
    {
        CluesEmitted++;
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_cluesPerRule, clue.RuleId, out _)++;

        // A clue whose fingerprint came before: the same rule and subject again (a business key twice in the input).
        if (_fingerprints.Count < _options.MaxTrackedFingerprints
            && TryRead(clue.Fingerprint, out UInt128 fingerprint)
            && !_fingerprints.Add(fingerprint))
        {
            RepeatedClues++;
        }
    }

    /// <summary>Reads a fingerprint of 32 hex digits as 16 bytes (vectorized; a hex <see cref="UInt128"/> parse took 52 ns).</summary>
    private static bool TryRead(string fingerprint, out UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (fingerprint.Length == 2 * bytes.Length
            && Convert.FromHexString(fingerprint, bytes, out _, out int written) == System.Buffers.OperationStatus.Done
            && written == bytes.Length)
        {
            value = System.Runtime.InteropServices.MemoryMarshal.Read<UInt128>(bytes);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Records a suspect field value of a record that was still evaluated; never stops the run.</summary>
    public void Warn(RecordRejection warning)
    {
        FieldWarnings++;
        if (_rejections.Count < _options.MaxReportedRejections)
        {
            _rejections.Add(warning with { IsWarning = true });
        }
    }

    /// <summary>Records a rejected record or a rule error; returns whether the policy now stops the run.</summary>
    public bool Fail(RecordRejection rejection)
    {
        if (rejection.RuleId is null)
        {
            RecordsRejected++;
        }
        else
        {
            RuleErrors++;
        }

        if (_rejections.Count < _options.MaxReportedRejections)
        {
            _rejections.Add(rejection.RawRecord is null ? rejection : rejection with { RawRecord = null });
        }

        return Failures > _options.BadRecords.MaxFailures;
    }

    /// <summary>Counts a rule error against its rule; returns whether the rule has now failed often enough to be quarantined.</summary>
    public bool ShouldQuarantine(RecordRejection error, string dataset)
    {
        string rule = error.RuleId!;
        long errors = _errorsPerRule[rule] = _errorsPerRule.GetValueOrDefault(rule) + 1;
        long read = _readPerDataset.GetValueOrDefault(dataset);
        if (errors < _options.QuarantineAfterErrors || errors <= _options.QuarantineErrorShare * read)
        {
            return false;
        }

        _quarantined.Add(new RuleQuarantine(rule, dataset, error.Line, errors, read));
        return true;
    }

    public RunSummary ToSummary(TimeSpan elapsed, bool stoppedByPolicy) => new()
    {
        RecordsRead = RecordsRead,
        RecordsMatched = RecordsMatched,
        WindowClues = WindowClues,
        RecordsRejected = RecordsRejected,
        RuleErrors = RuleErrors,
        FieldWarnings = FieldWarnings,
        RecordsExcluded = RecordsExcluded,
        RepeatedClues = RepeatedClues,
        CluesEmitted = CluesEmitted,
        RecordsReadPerDataset = new SortedDictionary<string, long>(_readPerDataset, StringComparer.Ordinal),
        LinesPerDataset = new SortedDictionary<string, LineAccount>(_linesPerDataset, StringComparer.Ordinal),
        CluesPerRule = new SortedDictionary<string, long>(_cluesPerRule, StringComparer.Ordinal),
        Rejections = [.. _rejections],
        ReferenceRecordsPerDataset = new SortedDictionary<string, long>(_referenceRecords, StringComparer.Ordinal),
        PeakWindowStatePerRule = new SortedDictionary<string, long>(_peakWindowState, StringComparer.Ordinal),
        WindowSortsPerRule = new SortedDictionary<string, WindowSortFigures>(_windowSorts, StringComparer.Ordinal),
        DerivedRecordsPerDataset = new SortedDictionary<string, long>(_derived, StringComparer.Ordinal),
        QuarantinedRules = [.. _quarantined],
        StoppedByPolicy = stoppedByPolicy,
        Elapsed = elapsed,
    };
}
