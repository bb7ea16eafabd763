namespace RuleEngine.Diagnostics;

/// <summary>
/// Collects diagnostics while a front end or the binder works; never throws. A diagnostic equal to one already
/// collected is not added again (a deadline's <c>after</c> is bound in its period and in its elapsed condition: one
/// typo, one error).
/// </summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    private readonly HashSet<Diagnostic> _seen = [];

    public int Count => _items.Count;

    public bool HasErrors => _items.Exists(d => d.IsError);

    public IReadOnlyList<Diagnostic> Items => _items;

    public void Add(Diagnostic diagnostic)
    {
        if (_seen.Add(diagnostic))
        {
            _items.Add(diagnostic);
        }
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (Diagnostic diagnostic in diagnostics)
        {
            Add(diagnostic);
        }
    }

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
        Add(new Diagnostic(id, DiagnosticSeverity.Error, message, location, hint) { RuleId = ruleId });
}
