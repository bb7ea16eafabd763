using System.Threading.Channels;
using RuleEngine.Clues;
using RuleEngine.Execution.Dispatch;
using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>
/// Streams one source through a dataset's rules: a reader fills pooled batches of records, workers evaluate
/// batches in parallel, and a single emitter hands results to the sink strictly in input order. The pool bounds
/// the records in flight, so memory does not grow with the input.
/// </summary>
internal static class RunPipeline
{
    /// <returns>Whether the bad-record policy stopped the run.</returns>
    public static async Task<bool> RunAsync(
        RecordSource source,
        CompiledDataset dataset,
        IClueSink sink,
        RunOptions options,
        RunStatistics statistics,
        IReadOnlyDictionary<CompiledJoin, Dictionary<string, List<Record>>> indexes,
        bool alreadyCounted,
        CancellationToken cancellationToken,
        int sourceIndex = 0,
        long skipped = 0,
        DerivedRecords? derived = null,
        Func<double?, double?>? overall = null)
    {
        int workers = options.MaxDegreeOfParallelism;
        int poolSize = (workers * 2) + 1;
        var pool = Channel.CreateUnbounded<Batch>();
        var ordered = Channel.CreateUnbounded<Batch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var work = Channel.CreateUnbounded<Batch>(new UnboundedChannelOptions { SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var factory = new ClueFactory(options);

        // The reader only splits records into the fields the rules read; the workers parse them, in parallel.
        RecordCursor cursor;
        try
        {
            cursor = source.Open(dataset.Layout, options.CheckEveryField ? [.. dataset.FieldsRead.Select(_ => true)] : dataset.FieldsRead, deferParsing: true);
        }
        catch (IOException e)
        {
            throw InputFailed(dataset.Schema.Name, e);
        }

        Task reader = Task.Run(() => ReadAsync(dataset.Schema.Name, cursor, new BatchPool(pool.Reader, poolSize, () => new Batch(dataset, options.BatchSize)), ordered.Writer, work.Writer, stop.Token), CancellationToken.None);
        var quarantined = new bool[dataset.Rules.Length];
        Task[] evaluators = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => EvaluateAsync(dataset, cursor, factory, indexes, quarantined, options.RejectInvalidIdNumbers, work.Reader, stop.Token), CancellationToken.None))];
        var windows = dataset.Rules.Where(r => r.Window is not null).ToDictionary(r => r, r => new WindowProcessor(r, options));
        var emitter = new Emitter(dataset, sink, statistics, factory, windows, quarantined, alreadyCounted)
        {
            Derived = derived,
            Progress = options.Progress is { } progress ? consumed => progress.Report(new RunProgress(dataset.Schema.Name, statistics.RecordsRead, statistics.CluesEmitted, cursor.Fraction) { Position = new RunPosition(sourceIndex, skipped + consumed), OverallFraction = overall?.Invoke(cursor.Fraction) }) : null,
            Options = options,
        };
        bool stopped = false;
        long readBefore = statistics.RecordsRead;
        long rejectedBefore = statistics.RecordsRejected;
        try
        {
            stopped = await emitter.EmitAsync(ordered.Reader, pool.Writer, cancellationToken).ConfigureAwait(false);
            if (!stopped && !alreadyCounted && cursor.Lines is not null)
            {
                ThrowIfAllRejected(dataset.Schema.Name, statistics.RecordsRead - readBefore, statistics.RecordsRejected - rejectedBefore);
            }

            if (!stopped && emitter.Consumed == 0 && skipped == 0 && !alreadyCounted)
            {
                statistics.Warn(new RecordRejection(dataset.Schema.Name, 0, Diagnostics.DiagnosticIds.NoRecords, $"The source of dataset '{dataset.Schema.Name}' has no records; was the export empty?"));
            }

            if (!stopped)
            {
                foreach ((CompiledRule rule, WindowProcessor processor) in windows)
                {
                    await emitter.WriteEpisodesAsync(rule, processor.Flush(), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Quietly(reader).ConfigureAwait(false);
            foreach (Task evaluator in evaluators)
            {
                await Quietly(evaluator).ConfigureAwait(false);
            }

            statistics.Lines(dataset.Schema.Name, cursor.Lines);
            await cursor.DisposeAsync().ConfigureAwait(false);
            foreach ((CompiledRule rule, WindowProcessor processor) in windows)
            {
                statistics.Window(rule.Definition.Id, processor);
                processor.Dispose();
            }
        }

        return stopped;
    }

    /// <summary>A file source of which every record was rejected is an error in any bad-record policy: its data was not read at all.</summary>
    internal static void ThrowIfAllRejected(string dataset, long read, long rejected)
    {
        if (read > 0 && rejected == read)
        {
            throw new RecordSourceException(
                Diagnostics.DiagnosticIds.AllRecordsRejected,
                dataset,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Every record of the source of dataset '{dataset}' was rejected ({read} of {read}): the wrong encoding, separator or format, perhaps. The rejections say why, record by record."));
        }
    }

    /// <summary>
    /// The input itself failed (a missing file, a disk error, a network share gone): the run stops with the dataset and
    /// a code. The system's words name a path at most, never a record's values.
    /// </summary>
    private static RecordSourceException InputFailed(string dataset, IOException e) =>
        new(Diagnostics.DiagnosticIds.MalformedRecord, dataset, $"The input could not be read ({e.GetType().Name}: {e.Message}).", e);

    private static async Task ReadAsync(string dataset, RecordCursor cursor, BatchPool pool, ChannelWriter<Batch> ordered, ChannelWriter<Batch> work, CancellationToken cancellationToken)
    {
        try
        {
            bool end = false;
            while (!end)
            {
                Batch batch = await pool.TakeAsync(cancellationToken).ConfigureAwait(false);
                batch.Reset();
                while (batch.Count < batch.Records.Length)
                {
                    Record target = batch.Records[batch.Count] ??= batch.CreateRecord();
                    ReadOutcome outcome = await cursor.ReadAsync(target, cancellationToken).ConfigureAwait(false);
                    target.Shared?.Invalidate();
                    if (outcome == ReadOutcome.End)
                    {
                        end = true;
                        break;
                    }

                    if (outcome == ReadOutcome.Boundary)
                    {
                        if (batch.Count > 0 || batch.Rejections.Count > 0)
                        {
                            break;
                        }

                        continue;
                    }

                    if (outcome == ReadOutcome.Rejected)
                    {
                        batch.Rejections.Add((batch.Count, cursor.Rejection!));
                        if (batch.Rejections.Count >= batch.Records.Length)
                        {
                            break;
                        }
                    }
                    else
                    {
                        batch.Count++;
                    }
                }

                if (batch.Count == 0 && batch.Rejections.Count == 0)
                {
                    break;
                }

                await ordered.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                await work.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            ordered.TryComplete();
        }
        catch (IOException e)
        {
            ordered.TryComplete(InputFailed(dataset, e));
        }
        catch (Exception e)
        {
            ordered.TryComplete(e);
        }
        finally
        {
            work.TryComplete();
        }
    }

    /// <remarks>
    /// A rule in <paramref name="quarantined"/> is skipped; the emitter, which alone decides quarantine in input order,
    /// also drops whatever a worker produced for it before seeing the flag, so output does not depend on timing.
    /// </remarks>
    private static async Task EvaluateAsync(CompiledDataset dataset, RecordCursor cursor, ClueFactory factory, IReadOnlyDictionary<CompiledJoin, Dictionary<string, List<Record>>> indexes, bool[] quarantined, bool rejectInvalidIds, ChannelReader<Batch> work, CancellationToken cancellationToken)
    {
        CompiledRule[] rules = dataset.Rules;
        RuleDispatch dispatch = dataset.Dispatch;
        Func<Record, ulong>[]? together = dataset.EvaluatedTogether(dispatch);
        bool togetherFailed = false;
        var candidates = new int[Math.Max(rules.Length, dispatch.Capacity)];
        int[] isolated = [.. Enumerable.Range(0, rules.Length).Where(r => rules[r].Script is { RunsInWorker: true })];
        var outcomes = new ScriptOutcome[rules.Length][];
        int[] positions = [];
        int[] idFields = IdNumberCheck.FieldsOf(dataset.Schema);
        await foreach (Batch batch in work.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                // Records the reader only split are parsed here, by every worker at once.
                for (int i = 0; i < batch.Count; i++)
                {
                    batch.Unparsed[i] = cursor.Complete(batch.Records[i]);
                }

                foreach (int r in isolated)
                {
                    if (!Volatile.Read(ref quarantined[r]))
                    {
                        outcomes[r] ??= new ScriptOutcome[batch.Records.Length];
                        positions = positions.Length >= batch.Records.Length ? positions : new int[batch.Records.Length];
                        EvaluateInWorker(rules[r], batch, outcomes[r], positions);
                    }
                }

                if (!dispatch.Measured && batch.Count >= CompiledDataset.MinimumSample)
                {
                    // The first batch large enough is the sample the rules' keys are chosen on.
                    dispatch = dataset.TuneDispatch(new ArraySegment<Record>(batch.Records, 0, batch.Count));
                    candidates = candidates.Length >= dispatch.Capacity ? candidates : new int[dispatch.Capacity];
                    together = togetherFailed ? null : dataset.EvaluatedTogether(dispatch);
                }

                for (int i = 0; i < batch.Count; i++)
                {
                    Record record = batch.Records[i];
                    if (batch.Unparsed[i] is { } unparsed)
                    {
                        batch.Results.Add(new BatchResult(i, -1, null, unparsed));
                        continue;
                    }

                    if (dataset.Exclude is { } exclude && Excluded(exclude, dataset, record, i, batch.Results))
                    {
                        continue;
                    }

                    if (idFields.Length > 0 && CheckIdNumbers(dataset, record, idFields, i, batch.Results, rejectRecord: rejectInvalidIds))
                    {
                        continue;
                    }

                    // Rules evaluated together leave as candidates only the rules that are TRUE (each is tested
                    // again below, with its bookkeeping); after a failure this worker goes back to the index.
                    int count = together is null ? dispatch.Candidates(record, candidates) : TrueRules(together, record, candidates, rules.Length, ref togetherFailed);
                    if (togetherFailed)
                    {
                        together = null;
                    }

                    for (int c = 0; c < count; c++)
                    {
                        int index = candidates[c];
                        if (Volatile.Read(ref quarantined[index]))
                        {
                            continue;
                        }

                        CompiledRule rule = rules[index];
                        try
                        {
                            if (rule.Window is not null)
                            {
                                // A window rule that joins counts each record once when some joined context makes it true.
                                if (rule.Joins.Length > 0 ? JoinEvaluator.Evaluate(rule, record, indexes) is { Count: > 0 } : Test(rule, outcomes[index], record, i))
                                {
                                    batch.Results.Add(new BatchResult(i, index, null, null, Window: true));
                                }
                            }
                            else if (rule.Joins.Length > 0)
                            {
                                foreach (Record[] context in JoinEvaluator.Evaluate(rule, record, indexes) ?? [])
                                {
                                    batch.Results.Add(rule.Derive is { } derive
                                        ? new BatchResult(i, index, null, null, Derived: derive.Create(context))
                                        : new BatchResult(i, index, factory.Create(rule, context), null));
                                }
                            }
                            else if (Test(rule, outcomes[index], record, i))
                            {
                                batch.Results.Add(rule.Derive is { } derive
                                    ? new BatchResult(i, index, null, null, Derived: derive.Create([record]))
                                    : new BatchResult(i, index, factory.Create(rule, record), null));
                            }
                        }
                        catch (Exception e) when (RuleFailure.TryClassify(e, rule.Script, out string code, out string message))
                        {
                            var error = new RecordRejection(dataset.Schema.Name, record.Line, code, message) { RuleId = rule.Definition.Id };
                            batch.Results.Add(new BatchResult(i, index, null, error));
                        }
                    }
                }

                batch.Done.TrySetResult();
            }
            catch (Exception e)
            {
                batch.Done.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// The rules <paramref name="record"/> makes TRUE, by the methods that evaluate them 64 at a time, written into
    /// <paramref name="buffer"/> in rule order. When a method fails, every rule of it is written, so each one's own
    /// predicate finds and reports the failure, and <paramref name="failed"/> is set (the worker then uses the index).
    /// </summary>
    private static int TrueRules(Func<Record, ulong>[] methods, Record record, int[] buffer, int rules, ref bool failed)
    {
        int count = 0;
        for (int chunk = 0; chunk < methods.Length; chunk++)
        {
            ulong bits;
            try
            {
                bits = methods[chunk](record);
            }
            catch (Exception e) when (RuleFailure.TryClassify(e, null, out _, out _))
            {
                int inChunk = Math.Min(64, rules - (chunk << 6));
                bits = inChunk == 64 ? ulong.MaxValue : (1UL << inChunk) - 1;
                failed = true;
            }

            for (; bits != 0; bits &= bits - 1)
            {
                buffer[count++] = (chunk << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
            }
        }

        return count;
    }

    /// <summary>Whether the host's exclusion keeps the record from every rule; an exclusion that fails rejects the record (never evaluated).</summary>
    private static bool Excluded(Func<Record, bool> exclude, CompiledDataset dataset, Record record, int position, List<BatchResult> results)
    {
        try
        {
            if (!exclude(record))
            {
                return false;
            }

            results.Add(new BatchResult(position, ExcludedRecord, null, null));
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, null, out string code, out string message))
        {
            results.Add(new BatchResult(position, -1, null, new RecordRejection(dataset.Schema.Name, record.Line, code, "The exclusion could not be evaluated: " + message)));
        }

        return true;
    }

    /// <summary>
    /// Checks the record's ID-number fields: an invalid one is a field warning (the record is still evaluated) or,
    /// when the run rejects such records, a rejection; returns whether the record was rejected.
    /// </summary>
    private static bool CheckIdNumbers(CompiledDataset dataset, Record record, int[] idFields, int position, List<BatchResult> results, bool rejectRecord)
    {
        foreach (int field in idFields)
        {
            if (IdNumberCheck.Check(dataset.Schema, record, field) is not { } problem)
            {
                continue;
            }

            results.Add(new BatchResult(position, -1, null, problem, Warning: !rejectRecord));
            if (rejectRecord)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The rule's outcome on a record: its predicate, or what its worker-process script answered for the batch.</summary>
    private static bool Test(CompiledRule rule, ScriptOutcome[]? outcomes, Record record, int position)
    {
        if (outcomes is null)
        {
            return rule.Predicate(record);
        }

        ScriptOutcome outcome = outcomes[position];
        return outcome.Code is null ? outcome.Value : throw new Language.EvaluationException(outcome.Code, outcome.Message!);
    }

    /// <summary>
    /// Runs the condition of a rule whose script lives in a worker process here, then sends the records that pass it to
    /// the worker in one exchange; every record of the batch gets an outcome.
    /// </summary>
    private static void EvaluateInWorker(CompiledRule rule, Batch batch, ScriptOutcome[] outcomes, int[] positions)
    {
        int count = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            try
            {
                if (rule.Predicate(batch.Records[i]))
                {
                    positions[count++] = i;
                }

                outcomes[i] = new ScriptOutcome(false);
            }
            catch (Exception e) when (RuleFailure.TryClassify(e, null, out string code, out string message))
            {
                outcomes[i] = new ScriptOutcome(false, code, message);
            }
        }

        if (count > 0)
        {
            rule.Script!.EvaluateBatch(batch.Records, positions, count, outcomes);
        }
    }

    /// <summary>Hands results to the sink in input order and feeds window rules; the only writer of statistics.</summary>
    private sealed class Emitter(CompiledDataset dataset, IClueSink sink, RunStatistics statistics, ClueFactory factory, Dictionary<CompiledRule, WindowProcessor> windows, bool[] quarantined, bool alreadyCounted)
    {
        /// <summary>Gets how many records (read or rejected) the emitter has handled.</summary>
        public long Consumed { get; private set; }

        /// <summary>Reports progress after each batch (with the records of the source consumed so far), when the run asked for reports.</summary>
        public Action<long>? Progress { get; init; }

        public required RunOptions Options { get; init; }

        /// <summary>Gets where deriving rules' records go.</summary>
        public DerivedRecords? Derived { get; init; }

        public async Task<bool> EmitAsync(ChannelReader<Batch> ordered, ChannelWriter<Batch> pool, CancellationToken cancellationToken)
        {
            string name = dataset.Schema.Name;
            Progress?.Invoke(Consumed);
            await foreach (Batch batch in ordered.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await batch.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                int rejection = 0;
                int result = 0;
                for (int position = 0; position <= batch.Count; position++)
                {
                    while (rejection < batch.Rejections.Count && batch.Rejections[rejection].Position == position)
                    {
                        RecordRejection rejected = batch.Rejections[rejection++].Rejection;
                        if (!alreadyCounted)
                        {
                            statistics.Read(name, 1);
                            await DeadLetterAsync(rejected, cancellationToken).ConfigureAwait(false);
                            if (statistics.Fail(rejected))
                            {
                                return true;
                            }
                        }
                    }

                    if (position == batch.Count)
                    {
                        break;
                    }

                    if (!alreadyCounted)
                    {
                        statistics.Read(name, 1);
                    }

                    bool matched = false;
                    bool stop = false;
                    for (; result < batch.Results.Count && batch.Results[result].Position == position; result++)
                    {
                        BatchResult item = batch.Results[result];
                        if (item.Rule == ExcludedRecord)
                        {
                            if (!alreadyCounted)
                            {
                                statistics.Excluded();
                            }

                            continue;
                        }

                        if (item.Rule < 0)
                        {
                            // A reference dataset that is also evaluated reported its records' problems when it was loaded.
                            if (alreadyCounted)
                            {
                                continue;
                            }

                            await DeadLetterAsync(item.Error!, cancellationToken).ConfigureAwait(false);
                            if (item.Warning)
                            {
                                statistics.Warn(item.Error!);
                            }
                            else
                            {
                                stop |= statistics.Fail(item.Error!);
                            }

                            continue;
                        }

                        if (Volatile.Read(ref quarantined[item.Rule]))
                        {
                            continue;
                        }

                        if (item.Derived is { } record)
                        {
                            // A stage's output: held for the rules that read the derived dataset, not a clue.
                            Derived!.Add(dataset.Rules[item.Rule].Definition.Derive!.Dataset, record);
                            statistics.Derived(dataset.Rules[item.Rule].Definition.Derive!.Dataset);
                        }
                        else if (item.Clue is { } clue)
                        {
                            await WriteClueAsync(clue, cancellationToken).ConfigureAwait(false);
                            statistics.Clue(clue);
                            matched = true;
                        }
                        else if (item.Window)
                        {
                            CompiledRule windowRule = dataset.Rules[item.Rule];
                            List<WindowEpisode> closed = windows[windowRule].Add(batch.Records[position], out RecordRejection? late);
                            if (late is not null)
                            {
                                await DeadLetterAsync(late, cancellationToken).ConfigureAwait(false);
                                stop |= statistics.Fail(late);
                            }

                            await WriteEpisodesAsync(windowRule, closed, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await DeadLetterAsync(item.Error!, cancellationToken).ConfigureAwait(false);
                            stop |= statistics.Fail(item.Error!);
                            if (statistics.ShouldQuarantine(item.Error!, name))
                            {
                                Volatile.Write(ref quarantined[item.Rule], true);
                            }
                        }
                    }

                    if (matched)
                    {
                        statistics.Matched();
                    }

                    if (stop)
                    {
                        return true;
                    }
                }

                Consumed += batch.Count + batch.Rejections.Count;
                pool.TryWrite(batch);
                Progress?.Invoke(Consumed);
            }

            return false;
        }

        private ValueTask DeadLetterAsync(RecordRejection rejection, CancellationToken cancellationToken) =>
            DeadLetters.WriteAsync(Options, rejection, cancellationToken);

        private ValueTask WriteClueAsync(Clue clue, CancellationToken cancellationToken) =>
            ClueOutput.WriteAsync(sink, clue, cancellationToken);

        public async Task WriteEpisodesAsync(CompiledRule rule, IEnumerable<WindowEpisode> episodes, CancellationToken cancellationToken)
        {
            foreach (WindowEpisode episode in episodes)
            {
                if (rule.Definition.Derive is { } derive)
                {
                    // A window that derives: the episode is a record of the next stage, not a clue.
                    Derived!.Add(derive.Dataset, ClueFactory.CreateWindowRecord(rule, episode));
                    statistics.Derived(derive.Dataset);
                    continue;
                }

                Clue clue = factory.CreateWindowClue(rule, episode);
                await WriteClueAsync(clue, cancellationToken).ConfigureAwait(false);
                statistics.Clue(clue);
                statistics.WindowClue();
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>What one rule gave on one record: a clue, an error, or (window rules) a record to count.</summary>
    private const int ExcludedRecord = -2;

    /// <remarks>A field warning or a record rejected by the workers has no rule (<see cref="Rule"/> is -1); an excluded record is -2.</remarks>
    private readonly record struct BatchResult(int Position, int Rule, Clue? Clue, RecordRejection? Error, bool Window = false, bool Warning = false, Record? Derived = null);

    /// <summary>
    /// The batches in flight: one returned by the emitter is reused; a new one is made only while fewer than the limit
    /// exist, so a small input makes one batch, and a large one at most <c>2 × parallelism + 1</c>.
    /// </summary>
    private sealed class BatchPool(ChannelReader<Batch> returned, int limit, Func<Batch> create)
    {
        private int _created;

        public async ValueTask<Batch> TakeAsync(CancellationToken cancellationToken)
        {
            if (returned.TryRead(out Batch? batch))
            {
                return batch;
            }

            if (_created < limit)
            {
                _created++;
                return create();
            }

            return await returned.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Batch
    {
        private readonly CompiledDataset _dataset;

        public Batch(CompiledDataset dataset, int size)
        {
            _dataset = dataset;
            Records = new Record[size];
            Unparsed = new RecordRejection?[size];
        }

        /// <summary>Gets the batch's records; a slot gets its record when the reader first fills it, so a small input pays only for the records it has.</summary>
        public Record[] Records { get; }

        /// <summary>Gets, per record, why a worker could not parse it (records whose parsing the reader deferred).</summary>
        public RecordRejection?[] Unparsed { get; }

        public int Count { get; set; }

        public List<(int Position, RecordRejection Rejection)> Rejections { get; } = [];

        public List<BatchResult> Results { get; } = [];

        public TaskCompletionSource Done { get; private set; } = new();

        public Record CreateRecord() => _dataset.CreateRecord();

        public void Reset()
        {
            Count = 0;
            Rejections.Clear();
            Results.Clear();
            Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}

/// <summary>Hands a clue to the sink; a sink that fails stops the run with RE5013 (never a silently lost clue).</summary>
internal static class ClueOutput
{
    public static async ValueTask WriteAsync(IClueSink sink, Clue clue, CancellationToken cancellationToken)
    {
        try
        {
            await sink.WriteAsync(clue, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not Diagnostics.RuleEngineException)
        {
            throw new RunOutputException(Diagnostics.DiagnosticIds.OutputWriteFailed, $"The clue sink failed ({e.GetType().Name}) on a clue of rule '{clue.RuleId}' from {clue.Dataset}:{clue.Line}; the run stopped there.", e);
        }
    }

    /// <summary>Has the sink write out what it holds once the run's last clue is handed over; a sink that fails then fails the run with RE5013.</summary>
    public static async ValueTask FlushAsync(IClueSink sink, CancellationToken cancellationToken)
    {
        try
        {
            await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not Diagnostics.RuleEngineException)
        {
            throw new RunOutputException(Diagnostics.DiagnosticIds.OutputWriteFailed, $"The clue sink failed ({e.GetType().Name}) writing out the run's last clues; the clues it held may not have been written.", e);
        }
    }
}

/// <summary>Hands failures to a run's dead-letter sink, with the raw record only as the host protected it.</summary>
internal static class DeadLetters
{
    public static async ValueTask WriteAsync(RunOptions options, RecordRejection rejection, CancellationToken cancellationToken)
    {
        if (options.DeadLetters is { } sink)
        {
            string? payload = rejection.RawRecord is { } raw && options.ProtectDeadLetter is { } protect ? protect(raw) : null;
            try
            {
                await sink.WriteAsync(new DeadLetter(rejection with { RawRecord = null }, payload), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not Diagnostics.RuleEngineException)
            {
                throw new RunOutputException(Diagnostics.DiagnosticIds.DeadLetterUnavailable, $"The dead-letter sink failed ({e.GetType().Name}) at {rejection.Dataset}:{rejection.Line}; the run stopped rather than lose failures.", e);
            }
        }
    }

    /// <summary>Has the dead-letter sink write out what it holds once the run's last failure is handed over; a sink that fails then fails the run with RE5014.</summary>
    public static async ValueTask FlushAsync(RunOptions options, CancellationToken cancellationToken)
    {
        if (options.DeadLetters is { } sink)
        {
            try
            {
                await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not Diagnostics.RuleEngineException)
            {
                throw new RunOutputException(Diagnostics.DiagnosticIds.DeadLetterUnavailable, $"The dead-letter sink failed ({e.GetType().Name}) writing out the run's last failures; they may not have been written.", e);
            }
        }
    }
}
