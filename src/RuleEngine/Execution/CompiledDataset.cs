using RuleEngine.Execution.Dispatch;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Execution;

/// <summary>A dataset's record layout, the rules that read it, and the dispatch that picks the rules a record may match.</summary>
internal sealed class CompiledDataset(DatasetSchema schema, RecordLayout layout, CompiledRule[] rules, RuleDispatch dispatch, int sharedValues = 0)
{
    /// <summary>Gets how many sub-expressions the rules share; records read in a run carry a cache of that size.</summary>
    public int SharedValues { get; } = sharedValues;

    /// <summary>Creates a record for the run, with its cache of shared values when the rules share any.</summary>
    public Record CreateRecord()
    {
        Record record = Layout.CreateRecord();
        record.Shared = SharedValues > 0 ? new Records.SharedValues(SharedValues) : null;
        return record;
    }

    public DatasetSchema Schema { get; } = schema;

    public RecordLayout Layout { get; } = layout;

    public CompiledRule[] Rules { get; } = rules;

    /// <summary>Gets the dispatch: keys chosen by guessed selectivity until a run has tuned it on the data (<see cref="TuneDispatch"/>).</summary>
    public RuleDispatch Dispatch => _tuned ?? dispatch;

    private RuleDispatch? _tuned;

    /// <summary>
    /// The dispatch with keys chosen by their selectivity on <paramref name="sample"/> (the first records a run reads,
    /// or a matcher's first objects), built once per rule set and dataset and kept for later runs.
    /// </summary>
    public RuleDispatch TuneDispatch(IReadOnlyList<Record> sample)
    {
        if (_tuned is { } tuned)
        {
            return tuned;
        }

        if (Rules.Length < 2 || sample.Count == 0)
        {
            return dispatch;
        }

        RuleDispatch built = RuleDispatch.Build([.. Rules.Select(r => (r, (Language.BoundExpression?)r.Condition))], Layout, sample.Count > MaximumSample ? new ArraySegment<Record>([.. sample.Take(MaximumSample)]) : sample);
        return Interlocked.CompareExchange(ref _tuned, built, null) ?? built;
    }

    /// <summary>Gets the sub-expressions the rules share, by text: what the rules' own predicates were compiled with.</summary>
    public IReadOnlyDictionary<string, Language.SharedSlot> SharedSlots { get; init; } = new Dictionary<string, Language.SharedSlot>();

    private readonly bool _plain = rules.All(r => r.Joins.Length == 0 && r.Script is null);
    private Func<Record, ulong>[]? _together;
    private object? _compilingTogether;

    /// <summary>
    /// The rules compiled 64 to a method (bit <c>i</c> of method <c>c</c>: rule <c>64c + i</c> is TRUE), when evaluating
    /// every rule that way costs a record less than <paramref name="dispatch"/> does and every rule is a plain
    /// condition (no join, no script); otherwise <see langword="null"/>. Compiled once, on first use. A method that
    /// throws says only that one of its rules failed: the rules' own predicates tell which.
    /// </summary>
    public Func<Record, ulong>[]? EvaluatedTogether(RuleDispatch dispatch)
    {
        if (!_plain || !dispatch.EvaluatingEveryRulePays(Rules.Length))
        {
            return null;
        }

        // Compiled by the first worker that asks; the others wait for it rather than compile the same methods.
        return _together ?? LazyInitializer.EnsureInitialized(ref _together, ref _compilingTogether, () =>
        {
            var compiler = new Language.ExpressionCompiler(Layout, SharedSlots);
            return [.. Rules.Chunk(64).Select(chunk => compiler.CompileMask<Record>([.. chunk.Select(r => r.Condition)]))];
        });
    }

    /// <summary>A run tunes the dispatch on its first batch of at least this many records (fewer say little about the data).</summary>
    internal const int MinimumSample = 256;

    private const int MaximumSample = 512;

    /// <summary>Gets, per field, whether a run of the dataset's rules reads it; a reader need not parse the others (see <c>RuleSetBuilder.FieldsRead</c>).</summary>
    public bool[] FieldsRead { get; init; } = [];

    /// <summary>Gets the host's exclusion: TRUE for a record no rule may see (<see cref="RuleSetBuilder.Exclude"/>).</summary>
    public Func<Record, bool>? Exclude { get; init; }

    /// <summary>Gets the id of the rule that derives this dataset during a run, or <see langword="null"/> for a dataset read from a source.</summary>
    public string? DerivedBy { get; init; }

    /// <summary>Gets the bound exclusion, for SQL back ends.</summary>
    public Language.BoundExpression? ExcludeExpression { get; init; }
}
