using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Execution;

/// <summary>A dataset's record layout, the rules that read it, and the dispatch that picks the rules a record may match.</summary>
internal sealed class CompiledDataset(DatasetSchema schema, RecordLayout layout, CompiledRule[] rules, RuleDispatch dispatch)
{
    public DatasetSchema Schema { get; } = schema;

    public RecordLayout Layout { get; } = layout;

    public CompiledRule[] Rules { get; } = rules;

    public RuleDispatch Dispatch { get; } = dispatch;
}
