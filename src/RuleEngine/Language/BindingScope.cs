using RuleEngine.Schema;

namespace RuleEngine.Language;

/// <summary>One dataset an expression can read: its schema, the names it goes by, and its slot in the record context.</summary>
internal sealed record ScopeSource(DatasetSchema Schema, IReadOnlyCollection<string> Aliases, int Index);

/// <summary>
/// The names an expression may use: the fields of its rule's dataset (bare or qualified) and of joined datasets
/// (qualified by alias), and the rule's <c>$name</c> parameters.
/// </summary>
internal sealed class BindingScope
{
    public BindingScope(DatasetSchema schema, IReadOnlyCollection<string> aliases, IReadOnlyDictionary<string, object?>? parameters = null)
        : this([new ScopeSource(schema, aliases, 0)], parameters)
    {
    }

    public BindingScope(IReadOnlyList<ScopeSource> sources, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        Sources = sources;
        Parameters = parameters ?? new Dictionary<string, object?>();
    }

    /// <summary>Gets the visible sources; the first is the rule's own dataset, which bare names refer to.</summary>
    public IReadOnlyList<ScopeSource> Sources { get; }

    public DatasetSchema Schema => Sources[0].Schema;

    public IReadOnlyCollection<string> Aliases => Sources.SelectMany(s => s.Aliases).ToList();

    /// <summary>Gets the values of the <c>$name</c> parameters the expression may use.</summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; }

    public ScopeSource? SourceByAlias(string alias) => Sources.FirstOrDefault(s => s.Aliases.Contains(alias));
}
