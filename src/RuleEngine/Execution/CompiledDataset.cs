using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Execution;

/// <summary>A dataset's record layout and the rules that read it.</summary>
internal sealed class CompiledDataset(DatasetSchema schema, RecordLayout layout, CompiledRule[] rules)
{
    public DatasetSchema Schema { get; } = schema;

    public RecordLayout Layout { get; } = layout;

    public CompiledRule[] Rules { get; } = rules;
}
