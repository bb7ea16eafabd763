using RuleEngine.Schema;

namespace RuleEngine.Language;

/// <summary>The names an expression may use: the fields of its dataset, reachable bare or behind an alias.</summary>
internal sealed class BindingScope(DatasetSchema schema, IReadOnlyCollection<string> aliases)
{
    public DatasetSchema Schema { get; } = schema;

    public IReadOnlyCollection<string> Aliases { get; } = aliases;
}
