namespace RuleEngine.Diagnostics;

/// <summary>Collects diagnostics while a front end or the binder works; never throws.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public int Count => _items.Count;

    public bool HasErrors => _items.Exists(d => d.IsError);

    public IReadOnlyList<Diagnostic> Items => _items;

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    /// <summary>Names <paramref name="ruleId"/> on the diagnostics from index <paramref name="from"/> on that name no rule yet.</summary>
    public void NameRule(int from, string ruleId)
    {
        for (int i = from; i < _items.Count; i++)
        {
            if (_items[i].RuleId is null)
            {
                _items[i] = _items[i] with { RuleId = ruleId };
            }
        }
    }

    public void Error(string id, string message, SourceLocation location, string? hint = null, string? ruleId = null) =>
        _items.Add(new Diagnostic(id, DiagnosticSeverity.Error, message, location, hint) { RuleId = ruleId });
}
