using RuleEngine.Schema;

namespace RuleEngine.Language;

/// <summary>The names an expression may use: the fields of its dataset, reachable bare or behind an alias.</summary>
internal sealed class BindingScope(DatasetSchema schema, IReadOnlyCollection<string> aliases, IReadOnlyDictionary<string, object?>? parameters = null)
{
    public DatasetSchema Schema { get; } = schema;

    public IReadOnlyCollection<string> Aliases { get; } = aliases;

    /// <summary>Gets the values of the <c>$name</c> parameters the expression may use.</summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; } = parameters ?? new Dictionary<string, object?>();
}
