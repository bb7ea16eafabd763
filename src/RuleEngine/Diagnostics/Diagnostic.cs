using System.Globalization;

namespace RuleEngine.Diagnostics;

/// <summary>
/// One problem found in a model, a schema or an expression: a stable code, a severity,
/// a message without personal data, the exact location and a hint on how to fix it.
/// </summary>
/// <param name="Id">The stable code, such as <c>RE2001</c>; see <see cref="DiagnosticIds"/>.</param>
/// <param name="Severity">How serious the problem is.</param>
/// <param name="Message">What is wrong, in one sentence.</param>
/// <param name="Location">Where it is.</param>
/// <param name="Hint">How to fix it, or <see langword="null"/>.</param>
public sealed record Diagnostic(string Id, DiagnosticSeverity Severity, string Message, SourceLocation Location, string? Hint = null)
{
    /// <summary>Gets the rule the problem belongs to, if any.</summary>
    public string? RuleId { get; init; }

    /// <summary>Gets a value indicating whether this diagnostic is an error.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>
    /// Formats the diagnostic in MSBuild's canonical form, which editors and CI problem matchers link:
    /// <c>models/m01.yaml(12,7): error RE2001: Unknown field 'agee'. Did you mean 'age'?</c>
    /// </summary>
    /// <returns>The formatted diagnostic.</returns>
    public override string ToString()
    {
        string severity = Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        };
        // A condition given as a string has no file: the rule it belongs to says where to look.
        string where = Location.Path is null && RuleId is not null
            ? string.Create(CultureInfo.InvariantCulture, $"rule '{RuleId}'{(Location.IsKnown ? $"({Location.Line},{Location.Column})" : string.Empty)}")
            : Location.ToString();
        string text = string.Create(CultureInfo.InvariantCulture, $"{where}: {severity} {Id}: {Message}");
        return Hint is null ? text : text + " " + Hint;
    }
}
