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

    public RuleDispatch Dispatch { get; } = dispatch;

    /// <summary>Gets the host's exclusion: TRUE for a record no rule may see (<see cref="RuleSetBuilder.Exclude"/>).</summary>
    public Func<Record, bool>? Exclude { get; init; }

    /// <summary>Gets the id of the rule that derives this dataset during a run, or <see langword="null"/> for a dataset read from a source.</summary>
    public string? DerivedBy { get; init; }

    /// <summary>Gets the bound exclusion, for SQL back ends.</summary>
    public Language.BoundExpression? ExcludeExpression { get; init; }
}
