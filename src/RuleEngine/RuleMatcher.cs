using System.Reflection;
using RuleEngine.Execution;
using RuleEngine.Execution.Dispatch;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine;

/// <summary>
/// Matches host objects against the record rules of one dataset, synchronously, without copying an object and
/// without allocating: each rule's condition is compiled over <typeparamref name="T"/>'s properties, and the rule
/// index picks the few rules an object may match before any condition runs. Create one with
/// <see cref="RuleSet.CreateMatcher{T}(string)"/>; it is safe to call from many threads at once.
/// </summary>
/// <typeparam name="T">The host type whose public properties are the dataset's fields (by field name, as <see cref="DatasetSchema.FromType{T}(string)"/> names them).</typeparam>
/// <remarks>
/// The matcher answers which rules an object makes TRUE; it builds no clue and does not check the record as a run
/// does (identity numbers, required fields). Rules that join, count in windows or derive a dataset need the other
/// records of a run and are refused: use <see cref="RuleSet.RunAsync(RecordSource, Clues.IClueSink, RunOptions?, CancellationToken)"/>.
/// The first <see cref="SampleSize"/> objects matched are also the sample the rule index chooses its keys on; until
/// then it uses guessed selectivities (see <see cref="Tune(IEnumerable{T})"/> to give a sample up front).
/// </remarks>
public sealed class RuleMatcher<T>
    where T : class
{
    /// <summary>How many objects the matcher observes before it chooses its index keys on them.</summary>
    public const int SampleSize = 512;

    private readonly CompiledDataset _dataset;
    private readonly ExpressionCompiler _compiler;
    private readonly Func<T, bool>[] _predicates;
    private readonly bool[] _needsRecord;
    private readonly Func<T, bool>? _exclude;
    private readonly Action<T, Record> _writeAll;

    private State _state;
    private Func<T, ulong>[]? _masks;
    private Record[]? _sample;
    private int _observed;
    private int _written;

    internal RuleMatcher(CompiledDataset dataset)
    {
        _dataset = dataset;
        string[] refused = [.. dataset.Rules.Where(r => r.Joins.Length > 0 || r.Window is not null || r.Derive is not null || r.Script is { RunsInWorker: true }).Select(r => r.Definition.Id)];
        if (refused.Length > 0)
        {
            throw new ArgumentException($"Rules {string.Join(", ", refused)} of dataset '{dataset.Schema.Name}' join, count in windows, derive a dataset or run their script in a worker: a matcher cannot evaluate them one object at a time; run them with RuleSet.RunAsync.", nameof(dataset));
        }

        _compiler = new ExpressionCompiler(dataset.Layout, typeof(T), Properties(dataset.Schema));
        _predicates = new Func<T, bool>[dataset.Rules.Length];
        Parallel.For(0, _predicates.Length, new ParallelOptions { MaxDegreeOfParallelism = _predicates.Length < 32 ? 1 : -1 }, i =>
            _predicates[i] = dataset.Rules[i].Script is null ? _compiler.CompileObjectPredicate<T>(dataset.Rules[i].Condition) : static _ => true);
        _needsRecord = [.. dataset.Rules.Select(r => r.Script is not null)];
        _exclude = dataset.ExcludeExpression is { } exclusion ? _compiler.CompileObjectPredicate<T>(exclusion) : null;
        _writeAll = _compiler.CompileObjectWriter<T>(Fields(dataset, Enumerable.Range(0, dataset.Schema.Fields.Count)));
        _state = CreateState(dataset.Dispatch);
        _sample = _state.Dispatch.Measured || dataset.Rules.Length < 2 ? null : new Record[SampleSize];
        RuleIds = [.. dataset.Rules.Select(r => r.Definition.Id)];
    }

    /// <summary>Gets the rules' ids; <see cref="Match"/> writes indexes into this list.</summary>
    public IReadOnlyList<string> RuleIds { get; }

    /// <summary>Gets the dataset the matcher's rules read.</summary>
    public string Dataset => _dataset.Schema.Name;

    /// <summary>Gets whether the rule index has chosen its keys on a sample of the data (<see cref="SampleSize"/> objects matched, or <see cref="Tune(IEnumerable{T})"/>).</summary>
    public bool IsTuned => _state.Dispatch.Measured;

    /// <summary>Writes the indexes (into <see cref="RuleIds"/>) of the rules <paramref name="item"/> makes TRUE, in rule order, into <paramref name="matched"/>.</summary>
    /// <param name="item">The object.</param>
    /// <param name="matched">Where the indexes go; at least as long as <see cref="RuleIds"/>.</param>
    /// <returns>How many rules matched.</returns>
    /// <exception cref="ArgumentException"><paramref name="matched"/> is shorter than the number of rules.</exception>
    /// <exception cref="RuleEvaluationException">A rule failed on this object (an overflow, a failed conversion, a script's error).</exception>
    public int Match(T item, Span<int> matched)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (matched.Length < _predicates.Length)
        {
            throw new ArgumentException($"The buffer holds {matched.Length} indexes; the matcher has {_predicates.Length} rules.", nameof(matched));
        }

        if (_sample is not null)
        {
            Observe(item);
        }

        if (_exclude is not null && Evaluate(_exclude, item, -1))
        {
            return 0;
        }

        State state = Volatile.Read(ref _state);
        if (state.Masks is { } masks)
        {
            // No index: every rule is evaluated, a method per 64 rules instead of a call per rule.
            int hits = 0;
            for (int chunk = 0; chunk < masks.Length; chunk++)
            {
                for (ulong bits = EvaluateMask(masks[chunk], item, chunk); bits != 0; bits &= bits - 1)
                {
                    matched[hits++] = (chunk << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                }
            }

            return hits;
        }

        MatchScratch scratch = MatchScratch.For(_dataset.Layout);
        state.WriteKeys(item, scratch.Keys);

        // The candidates are written into the caller's buffer and narrowed in place to the rules that match.
        int count = state.Dispatch.Candidates(scratch.Keys, matched);
        int found = 0;
        bool written = false;
        for (int c = 0; c < count; c++)
        {
            int rule = matched[c];
            if (!Evaluate(_predicates[rule], item, rule))
            {
                continue;
            }

            if (_needsRecord[rule])
            {
                if (!written)
                {
                    _writeAll(item, scratch.Whole);
                    written = true;
                }

                if (!EvaluateRecord(_dataset.Rules[rule], scratch.Whole))
                {
                    continue;
                }
            }

            matched[found++] = rule;
        }

        return found;
    }

    /// <summary>Chooses the rule index's keys by their selectivity on <paramref name="sample"/> now, instead of on the first objects matched.</summary>
    /// <param name="sample">Objects like those to come; a few hundred are enough.</param>
    public void Tune(IEnumerable<T> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        Record[] records = [.. sample.Take(SampleSize).Select(ToRecord)];
        if (records.Length > 0)
        {
            Retune(records);
        }
    }

    private Record ToRecord(T item)
    {
        Record record = _dataset.Layout.CreateRecord();
        _writeAll(item, record);
        return record;
    }

    /// <summary>Keeps a copy of each of the first objects; the last of them chooses the keys.</summary>
    private void Observe(T item)
    {
        Record[]? sample = _sample;
        int position = Interlocked.Increment(ref _observed) - 1;
        if (sample is null || position >= sample.Length)
        {
            return;
        }

        sample[position] = ToRecord(item);
        if (Interlocked.Increment(ref _written) == sample.Length)
        {
            Retune(sample);
        }
    }

    private void Retune(IReadOnlyList<Record> sample)
    {
        RuleDispatch tuned = _dataset.TuneDispatch(sample);
        Volatile.Write(ref _state, CreateState(tuned));
        _sample = null;
    }

    private State CreateState(RuleDispatch dispatch)
    {
        // Plain conditions (no scripts), not too many, and an index that narrows too little to pay for its lookups
        // (by its own estimate): every rule is evaluated, 64 to a method.
        Func<T, ulong>[]? masks = null;
        if (!_needsRecord.Contains(true) && dispatch.EvaluatingEveryRulePays(_predicates.Length, RuleDispatch.RuleInMethodCostOverObjects))
        {
            masks = _masks ??= CompileMasks();
        }

        return new State(dispatch, _compiler.CompileObjectWriter<T>(Fields(_dataset, dispatch.Fields)), masks);
    }

    private Func<T, ulong>[] CompileMasks()
    {
        var masks = new Func<T, ulong>[(_predicates.Length + 63) / 64];
        for (int chunk = 0; chunk < masks.Length; chunk++)
        {
            masks[chunk] = _compiler.CompileMask<T>([.. _dataset.Rules.Skip(chunk * 64).Take(64).Select(r => r.Condition)]);
        }

        return masks;
    }

    /// <summary>The rules of one mask on an object; a rule's failure is found by evaluating the chunk's rules one by one, and reported as that rule's.</summary>
    private ulong EvaluateMask(Func<T, ulong> mask, T item, int chunk)
    {
        try
        {
            return mask(item);
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, null, out _, out _))
        {
            for (int rule = chunk * 64; rule < Math.Min(_predicates.Length, (chunk + 1) * 64); rule++)
            {
                Evaluate(_predicates[rule], item, rule);
            }

            throw;
        }
    }

    private bool Evaluate(Func<T, bool> predicate, T item, int rule)
    {
        try
        {
            return predicate(item);
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, null, out string code, out string message))
        {
            throw new RuleEvaluationException(rule < 0 ? "exclude" : RuleIds[rule], code, message, e);
        }
    }

    private static bool EvaluateRecord(CompiledRule rule, Record record)
    {
        try
        {
            return rule.Predicate(record);
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, rule.Script, out string code, out string message))
        {
            throw new RuleEvaluationException(rule.Definition.Id, code, message, e);
        }
    }

    private static IEnumerable<BoundField> Fields(CompiledDataset dataset, IEnumerable<int> fields) =>
        fields.Select(f => new BoundField(LanguageTypes.Of(dataset.Schema.Fields[f].Type), default, f, dataset.Schema.Fields[f]));

    /// <summary>The property of <typeparamref name="T"/> that holds each field of the schema, in field order.</summary>
    private static PropertyInfo[] Properties(DatasetSchema schema)
    {
        var byField = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        foreach (PropertyInfo property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0))
        {
            DatasetFieldAttribute? attribute = property.GetCustomAttribute<DatasetFieldAttribute>();
            if (attribute?.Ignore != true)
            {
                byField.TryAdd(attribute?.Name ?? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name), property);
            }
        }

        return [.. schema.Fields.Select(field =>
            byField.TryGetValue(field.Name, out PropertyInfo? property) && ObjectFields.CanRead(property.PropertyType, field.Type)
                ? property
                : throw new ArgumentException(property is null
                    ? $"Type '{typeof(T).Name}' has no property for field '{field.Name}' of dataset '{schema.Name}'."
                    : $"Property '{typeof(T).Name}.{property.Name}' of type '{property.PropertyType.Name}' cannot hold field '{field.Name}' of type {field.Type}."))];
    }

    /// <summary>
    /// The dispatch and the writer of the fields it reads, replaced together when the keys are chosen again; and,
    /// when the dispatch does not pay for its lookups, the rules compiled 64 to a method.
    /// </summary>
    private sealed record State(RuleDispatch Dispatch, Action<T, Record> WriteKeys, Func<T, ulong>[]? Masks);
}

/// <summary>
/// A thread's working space for matching, for the last dataset layout it matched (matchers of one dataset share it).
/// It lives outside the generic matcher: a thread-static field of a generic class is reached through a runtime helper
/// on every access, one of a plain class directly.
/// </summary>
internal sealed class MatchScratch(RecordLayout layout)
{
    [ThreadStatic]
    private static MatchScratch? t_current;

    public RecordLayout Layout { get; } = layout;

    /// <summary>Gets the record the dispatch reads: the fields it looks up.</summary>
    public Record Keys { get; } = layout.CreateRecord();

    /// <summary>Gets the whole record, for the rules that need one (scripts).</summary>
    public Record Whole { get; } = layout.CreateRecord();

    /// <summary>This thread's working space for <paramref name="layout"/>.</summary>
    public static MatchScratch For(RecordLayout layout) => t_current is { } mine && mine.Layout == layout ? mine : t_current = new MatchScratch(layout);
}
