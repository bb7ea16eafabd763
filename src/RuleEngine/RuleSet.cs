using System.Runtime.CompilerServices;
using System.Threading.Channels;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine;

/// <summary>
/// Compiled rules, immutable and safe to share between threads and runs. A run streams records from
/// sources through the rules of their dataset and emits clues in a deterministic order, whatever the parallelism.
/// Build one with <see cref="RuleSetBuilder"/>.
/// </summary>
public sealed class RuleSet
{
    private readonly IReadOnlyDictionary<string, CompiledDataset> _datasets;

    /// <summary>Gets the compiled datasets, for tests of the dispatch.</summary>
    internal IReadOnlyDictionary<string, CompiledDataset> CompiledDatasets => _datasets;

    internal RuleSet(IReadOnlyList<RuleDefinition> rules, IReadOnlyDictionary<string, CompiledDataset> datasets, IReadOnlyList<Diagnostic> diagnostics)
    {
        Rules = rules;
        _datasets = datasets;
        Diagnostics = diagnostics;
        Datasets = datasets.ToDictionary(d => d.Key, d => d.Value.Schema, StringComparer.Ordinal);
    }

    /// <summary>Gets the rules, in the order they were added.</summary>
    public IReadOnlyList<RuleDefinition> Rules { get; }

    /// <summary>Gets the warnings found while compiling (errors would have stopped the build).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Gets the schemas of the datasets the rule set reads, by name.</summary>
    public IReadOnlyDictionary<string, DatasetSchema> Datasets { get; }

    /// <summary>Runs the rules over one source and sends the clues to a sink.</summary>
    /// <param name="source">The records.</param>
    /// <param name="sink">Receives the clues in order.</param>
    /// <param name="options">How to run; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="BadRecordLimitExceededException">More records failed than <see cref="RunOptions.BadRecords"/> allows.</exception>
    /// <exception cref="RecordSourceException">A source cannot be read at all (a required column is missing, the file cannot be opened or fails while it is read).</exception>
    public Task<RunSummary> RunAsync(RecordSource source, IClueSink sink, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return RunAsync([source], sink, options, cancellationToken);
    }

    /// <summary>Runs the rules over several sources, one after another, and sends the clues to a sink.</summary>
    /// <param name="sources">The records; each goes to the rules of its dataset.</param>
    /// <param name="sink">Receives the clues in order.</param>
    /// <param name="options">How to run; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="BadRecordLimitExceededException">More records failed than <see cref="RunOptions.BadRecords"/> allows.</exception>
    /// <exception cref="RecordSourceException">A source cannot be read at all (a required column is missing, the file cannot be opened or fails while it is read).</exception>
    public async Task<RunSummary> RunAsync(IEnumerable<RecordSource> sources, IClueSink sink, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(sink);
        options ??= new RunOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDegreeOfParallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        var plan = sources.Select(source => (Source: source, Dataset: Resolve(source))).ToList();
        if (plan.FirstOrDefault(p => p.Dataset.DerivedBy is not null) is { Dataset: { } given })
        {
            throw new ArgumentException($"Dataset '{given.Schema.Name}' is derived by rule '{given.DerivedBy}' during the run; give the sources of what it is derived from instead.", nameof(sources));
        }

        var provided = plan.Select(p => p.Dataset.Schema.Name).ToHashSet(StringComparer.Ordinal);
        bool Provides(string name) => provided.Contains(name) || (_datasets.TryGetValue(name, out CompiledDataset? d) && d.DerivedBy is { } rule && Provides(ProducerOf(rule)));
        IEnumerable<CompiledDataset> Reached() => _datasets.Values.Where(d => provided.Contains(d.Schema.Name) || (d.DerivedBy is not null && Provides(d.Schema.Name)));
        var joined = new SortedSet<string>(Reached().SelectMany(d => d.Rules).SelectMany(r => r.Joins).Select(j => j.Definition.Dataset), StringComparer.Ordinal);
        foreach (string missing in joined.Where(r => !Provides(r)))
        {
            string needing = string.Join(", ", Reached().SelectMany(d => d.Rules).Where(r => r.Joins.Any(j => j.Definition.Dataset == missing)).Select(r => r.Definition.Id));
            throw new ArgumentException($"Rule(s) {needing} join dataset '{missing}', but no source of it was given.", nameof(sources));
        }

        bool staged = _datasets.Values.Any(d => d.DerivedBy is not null);
        if (staged && options.ResumeFrom is { } resume && (resume.SourceIndex > 0 || resume.SourceRecords > 0))
        {
            throw new ArgumentException("A run with derived datasets (stages) cannot resume from a position; run it from the start.", nameof(options));
        }

        var references = new SortedSet<string>(joined.Where(provided.Contains), StringComparer.Ordinal);
        var overall = new OverallProgress([.. plan.Select(p => p.Source.Length)]);
        var statistics = new RunStatistics(options, _datasets.Values.SelectMany(d => d.Rules).Select(r => r.Definition.Id));
        long started = options.TimeProvider.GetTimestamp();
        RunSummary Summary(bool stopped) => statistics.ToSummary(options.TimeProvider.GetElapsedTime(started), stoppedByPolicy: stopped);
        try
        {
            var tables = new Dictionary<string, ReferenceTable>(StringComparer.Ordinal);
            long referenceRecords = 0;
            foreach ((RecordSource source, CompiledDataset dataset, int index) in plan.Select((p, i) => (p.Source, p.Dataset, i)).Where(p => references.Contains(p.Dataset.Schema.Name)))
            {
                ReferenceTable table = await LoadReferenceAsync(source, dataset, statistics, options, referenceRecords, fraction => overall.Of(index, fraction), cancellationToken).ConfigureAwait(false)
                    ?? throw new BadRecordLimitExceededException(Summary(stopped: true));
                overall.Finished(index);
                referenceRecords += table.Records.Count;
                tables[dataset.Schema.Name] = table;
                statistics.ReferenceRecords(dataset.Schema.Name, table.Records.Count);
            }

            // Stages: each source runs in the order given unless its rules join a derived dataset not yet complete;
            // a derived dataset is complete when the dataset its rule reads has run, and then runs (or is joined) itself.
            var derived = new DerivedRecords(options.MaxReferenceRecords) { ReferenceRecords = referenceRecords };
            var indexes = new Dictionary<CompiledJoin, Dictionary<string, List<Record>>>();
            var waiting = plan.Select((p, index) => (p.Source, p.Dataset, Index: index)).ToList();
            var derivedToRun = new List<CompiledDataset>();
            bool Ready(CompiledDataset dataset) => dataset.Rules.SelectMany(r => r.Joins).All(j => tables.ContainsKey(j.Definition.Dataset));
            void Complete(string name)
            {
                foreach (CompiledDataset next in _datasets.Values.Where(d => d.DerivedBy is { } rule && ProducerOf(rule) == name))
                {
                    if (joined.Contains(next.Schema.Name))
                    {
                        // A join indexes record objects; the dataset's own rules then read the same objects, and the blocks go.
                        var table = new ReferenceTable(next.Schema.Name, next.Layout);
                        HeldRecords held = derived.Of(next.Schema.Name, next.Layout);
                        table.Records.AddRange(held.Materialize());
                        held.Clear();
                        tables[next.Schema.Name] = table;
                    }

                    if (next.Rules.Length > 0)
                    {
                        derivedToRun.Add(next);
                    }
                }
            }

            RecordSource DerivedSource(CompiledDataset dataset) => tables.TryGetValue(dataset.Schema.Name, out ReferenceTable? table)
                ? new MemoryRecordSource(dataset.Schema, table.Records)
                : new HeldRecordSource(dataset.Schema, derived.Of(dataset.Schema.Name, dataset.Layout));

            int stage = plan.Count;
            while (waiting.Count > 0 || derivedToRun.Count > 0)
            {
                int at = waiting.FindIndex(w => Ready(w.Dataset));
                int derivedAt = at >= 0 ? -1 : derivedToRun.FindIndex(Ready);
                if (at < 0 && derivedAt < 0)
                {
                    throw new InvalidOperationException("The run's stages cannot be ordered: a dataset waits for a derived dataset that is never produced.");
                }

                (RecordSource source, CompiledDataset dataset, int index) = at >= 0 ? waiting[at] : (DerivedSource(derivedToRun[derivedAt]), derivedToRun[derivedAt], stage++);
                bool isDerived = at < 0;
                if (isDerived)
                {
                    derivedToRun.RemoveAt(derivedAt);
                }
                else
                {
                    waiting.RemoveAt(at);
                }

                foreach (CompiledJoin join in dataset.Rules.SelectMany(r => r.Joins))
                {
                    indexes[join] = tables[join.Definition.Dataset].IndexFor(join, dataset.Rules.First(r => r.Joins.Contains(join)).Joins.Length + 1);
                }

                ReferenceTable? table = null;
                bool loaded = !isDerived && tables.TryGetValue(dataset.Schema.Name, out table);
                bool skipped = (loaded && dataset.Rules.Length == 0) || (!isDerived && index < (options.ResumeFrom?.SourceIndex ?? 0));
                if (!skipped)
                {
                    long skip = index == options.ResumeFrom?.SourceIndex ? options.ResumeFrom.SourceRecords : 0;
                    RecordSource input = loaded ? new MemoryRecordSource(dataset.Schema, table!.Records) : source;
                    input = skip > 0 ? new SkippingRecordSource(input, skip) : input;
                    if (await RunPipeline.RunAsync(input, dataset, sink, options, statistics, indexes, alreadyCounted: loaded || isDerived, cancellationToken, index, skip, derived, fraction => overall.Of(index, fraction)).ConfigureAwait(false))
                    {
                        throw new BadRecordLimitExceededException(Summary(stopped: true));
                    }
                }

                overall.Finished(index);

                if (isDerived || !waiting.Exists(w => w.Dataset == dataset))
                {
                    Complete(dataset.Schema.Name);
                }
            }

            await ClueOutput.FlushAsync(sink, cancellationToken).ConfigureAwait(false);
            await DeadLetters.FlushAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (RunLimitExceededException e) when (e.Summary is null)
        {
            throw new RunLimitExceededException(e.Code, e.Message, Summary(stopped: false));
        }
        catch (RunOutputException e) when (e.Summary is null)
        {
            throw new RunOutputException(e.Code, e.Message[(e.Code.Length + 2)..], e.InnerException, Summary(stopped: true));
        }

        return Summary(stopped: false);
    }

    /// <summary>The dataset read by the rule that derives a dataset.</summary>
    private string ProducerOf(string ruleId) => _datasets.Values.SelectMany(d => d.Rules).First(r => r.Definition.Id == ruleId).Definition.Dataset;

    /// <summary>Whether the host's exclusion keeps a reference record out; one it cannot evaluate is kept out too.</summary>
    private static bool Excluded(Func<Record, bool> exclude, Record record)
    {
        try
        {
            return exclude(record);
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, null, out _, out _))
        {
            return true;
        }
    }

    private static async Task<ReferenceTable?> LoadReferenceAsync(RecordSource source, CompiledDataset dataset, RunStatistics statistics, RunOptions options, long alreadyHeld, Func<double?, double?> overall, CancellationToken cancellationToken)
    {
        const int ReportEvery = 4096;
        var table = new ReferenceTable(dataset.Schema.Name, dataset.Layout);
        long readBefore = statistics.RecordsRead;
        long rejectedBefore = statistics.RecordsRejected;
        RecordCursor cursor = source.Open(dataset.Layout);
        await using (cursor.ConfigureAwait(false))
        {
            Record record = dataset.Layout.CreateRecord();
            int[] idFields = IdNumberCheck.FieldsOf(dataset.Schema);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ReadOutcome outcome = await cursor.ReadAsync(record, cancellationToken).ConfigureAwait(false);
                if (outcome == ReadOutcome.End)
                {
                    statistics.Lines(dataset.Schema.Name, cursor.Lines);
                    if (cursor.Lines is not null)
                    {
                        RunPipeline.ThrowIfAllRejected(dataset.Schema.Name, statistics.RecordsRead - readBefore, statistics.RecordsRejected - rejectedBefore);
                    }

                    return table;
                }

                if (outcome == ReadOutcome.Boundary)
                {
                    continue;
                }

                statistics.Read(dataset.Schema.Name, 1);
                if (options.Progress is { } progress && (statistics.RecordsRead - readBefore) % ReportEvery == 1)
                {
                    // Loading a reference dataset is work too: it shows, and counts towards the run's time left.
                    progress.Report(new RunProgress(dataset.Schema.Name, statistics.RecordsRead, statistics.CluesEmitted, cursor.Fraction) { LoadingReferences = true, OverallFraction = overall(cursor.Fraction) });
                }

                if (outcome == ReadOutcome.Rejected)
                {
                    await DeadLetters.WriteAsync(options, cursor.Rejection!, cancellationToken).ConfigureAwait(false);
                    if (statistics.Fail(cursor.Rejection!))
                    {
                        return null;
                    }

                    continue;
                }

                if (dataset.Exclude is { } exclude && Excluded(exclude, record))
                {
                    // A sealed record is never joined either.
                    statistics.Excluded();
                    continue;
                }

                // An ID number that fails its check is a field warning here too (it will join nothing), or a rejection.
                bool rejectedForId = false;
                foreach (int field in idFields)
                {
                    if (IdNumberCheck.Check(dataset.Schema, record, field) is not { } problem)
                    {
                        continue;
                    }

                    await DeadLetters.WriteAsync(options, problem, cancellationToken).ConfigureAwait(false);
                    if (!options.RejectInvalidIdNumbers)
                    {
                        statistics.Warn(problem);
                        continue;
                    }

                    if (statistics.Fail(problem))
                    {
                        return null;
                    }

                    rejectedForId = true;
                    break;
                }

                if (rejectedForId)
                {
                    continue;
                }

                table.Records.Add(record);
                record = dataset.Layout.CreateRecord();
                if (alreadyHeld + table.Records.Count > options.MaxReferenceRecords)
                {
                    throw new RunLimitExceededException(
                        DiagnosticIds.ReferenceLimitExceeded,
                        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The reference datasets hold more than {options.MaxReferenceRecords} records (at '{dataset.Schema.Name}'); raise RunOptions.MaxReferenceRecords or run the models in SQL."));
                }
            }
        }
    }

    /// <summary>
    /// Explains what the rules of a source's dataset make of one of its records: each rule's verdict and the value of
    /// each of its conditions, so a reader can see why the record is, or is not, a clue.
    /// </summary>
    /// <param name="source">The records; read up to the one at <paramref name="line"/>.</param>
    /// <param name="line">The line (text sources) or row of the record.</param>
    /// <param name="references">The reference datasets that join rules read; a join rule without its reference is NotEvaluated.</param>
    /// <param name="options">Masking of personal values and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The explanation; <see cref="RecordExplanation.Found"/> is false when the source has no such record.</returns>
    public async Task<RecordExplanation> ExplainAsync(RecordSource source, long line, IEnumerable<RecordSource>? references = null, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new RunOptions();
        CompiledDataset dataset = Resolve(source);
        var statistics = new RunStatistics(options, []);
        var tables = new Dictionary<string, ReferenceTable>(StringComparer.Ordinal);
        foreach (RecordSource reference in references ?? [])
        {
            CompiledDataset referenceDataset = Resolve(reference);
            tables[referenceDataset.Schema.Name] = await LoadReferenceAsync(reference, referenceDataset, statistics, options, 0, _ => null, cancellationToken).ConfigureAwait(false)
                ?? new ReferenceTable(referenceDataset.Schema.Name, referenceDataset.Layout);
        }

        Record record = dataset.CreateRecord();
        RecordCursor cursor = source.Open(dataset.Layout);
        await using (cursor.ConfigureAwait(false))
        {
            while (true)
            {
                ReadOutcome outcome = await cursor.ReadAsync(record, cancellationToken).ConfigureAwait(false);
                if (outcome == ReadOutcome.End || (outcome == ReadOutcome.Record && record.Line > line))
                {
                    return new RecordExplanation { Dataset = dataset.Schema.Name, Line = line };
                }

                if (outcome == ReadOutcome.Rejected && cursor.Rejection!.Line == line)
                {
                    return new RecordExplanation { Dataset = dataset.Schema.Name, Line = line, Found = true, Rejection = cursor.Rejection };
                }

                if (outcome == ReadOutcome.Record && record.Line == line)
                {
                    break;
                }
            }
        }

        record.Shared?.Invalidate();
        return Explain(dataset, record, tables, new ClueFactory(options), stage: 0);
    }

    /// <summary>What a dataset's rules make of a record, and, for each record a rule derives, what the next stage makes of that.</summary>
    private RecordExplanation Explain(CompiledDataset dataset, Record record, IReadOnlyDictionary<string, ReferenceTable> tables, ClueFactory factory, int stage)
    {
        RuleExplanation Rule(CompiledRule rule)
        {
            RuleExplanation explained = RuleExplainer.Explain(rule, record, tables, factory, out Record? derived);

            // Stages form no cycle (RE2020); the depth bound only guards against a builder bug.
            return derived is null || stage >= 64 ? explained : explained with { Derived = Explain(_datasets[rule.Definition.Derive!.Dataset], derived, tables, factory, stage + 1) };
        }

        return new RecordExplanation
        {
            Dataset = dataset.Schema.Name,
            Line = record.Line,
            Found = true,
            Values = [.. dataset.Schema.Fields.Select((f, i) => new EvidenceValue(f.Name, factory.Shown(f, record.GetValue(i)), dataset.Schema.Name, record.Line) { Personal = f.Personal })],
            Rules = [.. dataset.Rules.Select(Rule)],
        };
    }

    /// <summary>Runs the rules over one source and yields the clues as they are found, in order.</summary>
    /// <param name="source">The records.</param>
    /// <param name="options">How to run; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The clues.</returns>
    /// <exception cref="BadRecordLimitExceededException">More records failed than <see cref="RunOptions.BadRecords"/> allows.</exception>
    public async IAsyncEnumerable<Clue> EvaluateAsync(RecordSource source, RunOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        Resolve(source);
        var channel = Channel.CreateBounded<Clue>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task run = Task.Run(
            async () =>
            {
                try
                {
                    await RunAsync(source, new ChannelClueSink(channel.Writer), options, stop.Token).ConfigureAwait(false);
                    channel.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    channel.Writer.TryComplete(e);
                }
            },
            CancellationToken.None);
        try
        {
            await foreach (Clue clue in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return clue;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await run.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A matcher of this rule set's rules on <paramref name="dataset"/> over host objects of <typeparamref name="T"/>:
    /// synchronous, allocation-free, each condition compiled over the type's properties (see <see cref="RuleMatcher{T}"/>).
    /// </summary>
    /// <typeparam name="T">The host type whose public properties hold the dataset's fields.</typeparam>
    /// <param name="dataset">The dataset whose rules to match.</param>
    /// <returns>The matcher; build it once and keep it.</returns>
    /// <exception cref="ArgumentException">The dataset is unknown, <typeparamref name="T"/> lacks a property for one of its fields, or one of its rules needs a whole run (joins, windows, derived datasets, scripts in a worker).</exception>
    public RuleMatcher<T> CreateMatcher<T>(string dataset)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return _datasets.TryGetValue(dataset, out CompiledDataset? compiled)
            ? new RuleMatcher<T>(compiled)
            : throw new ArgumentException($"The rule set has no dataset '{dataset}'.", nameof(dataset));
    }

    /// <summary>The compiled form of a dataset's rules, for the benchmarks of the matching loop.</summary>
    internal CompiledDataset Compiled(string dataset) => _datasets[dataset];

    private CompiledDataset Resolve(RecordSource source)
    {
        if (!_datasets.TryGetValue(source.Dataset, out CompiledDataset? dataset))
        {
            throw new ArgumentException($"The rule set declares no dataset '{source.Dataset}'.", nameof(source));
        }

        if (!ReferenceEquals(source.Schema, dataset.Schema) && !source.Schema.Fields.SequenceEqual(dataset.Schema.Fields))
        {
            throw new ArgumentException($"The source's schema of '{source.Dataset}' differs from the one the rule set was compiled with.", nameof(source));
        }

        return dataset;
    }

    private sealed class ChannelClueSink(ChannelWriter<Clue> writer) : IClueSink
    {
        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default) => writer.WriteAsync(clue, cancellationToken);
    }
}
