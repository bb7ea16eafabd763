using RuleEngine.Diagnostics;

namespace RuleEngine.Yaml.Reading;

/// <summary>Collects the diagnostics of loading model files; never throws.</summary>
internal sealed class DiagnosticList
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Exists(d => d.IsError);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    public void Error(string id, string message, SourceLocation location, string? hint = null) =>
        _items.Add(new Diagnostic(id, DiagnosticSeverity.Error, message, location, hint));

    public void Info(string id, string message, SourceLocation location) =>
        _items.Add(new Diagnostic(id, DiagnosticSeverity.Info, message, location));
}
