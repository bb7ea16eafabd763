using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine;

/// <summary>
/// Compiles the C# script of a rule (<see cref="RuleDefinition.Script"/>). The host chooses whether scripts run at
/// all by passing a compiler to <see cref="RuleSetBuilder.UseScriptCompiler"/>; without one, a rule with a script is
/// an error (RE2016).
/// </summary>
public interface IScriptConditionCompiler
{
    /// <summary>Checks and compiles a script.</summary>
    /// <param name="request">The script, the schema of the record it reads and the model's parameters.</param>
    /// <param name="diagnostics">Receives every problem, at its line and column in the model file.</param>
    /// <returns>The compiled condition, or <see langword="null"/> when the script has an error.</returns>
    ScriptCondition? Compile(ScriptConditionRequest request, ICollection<Diagnostic> diagnostics);

    /// <summary>
    /// Checks and compiles the scripts of a rule set at once. The builder calls this once per build with every
    /// script over a declared dataset, when there are two or more (one alone, and scripts over derived datasets, go
    /// to <see cref="Compile"/>); a compiler that can share work between scripts (one compilation for the set)
    /// overrides it. The default compiles each with <see cref="Compile"/>.
    /// </summary>
    /// <param name="requests">The scripts.</param>
    /// <param name="diagnostics">Receives every problem, each with the <see cref="Diagnostic.RuleId"/> of its request.</param>
    /// <returns>The compiled condition of each request, in order; <see langword="null"/> for a script with an error.</returns>
    IReadOnlyList<ScriptCondition?> CompileAll(IReadOnlyList<ScriptConditionRequest> requests, ICollection<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var compiled = new ScriptCondition?[requests.Count];
        var found = new List<Diagnostic>();
        for (int i = 0; i < compiled.Length; i++)
        {
            found.Clear();
            compiled[i] = Compile(requests[i], found);
            foreach (Diagnostic diagnostic in found)
            {
                diagnostics.Add(diagnostic.RuleId is null ? diagnostic with { RuleId = requests[i].RuleId } : diagnostic);
            }
        }

        return compiled;
    }
}

/// <summary>A rule's script, with what it may read.</summary>
/// <param name="RuleId">The rule the script belongs to.</param>
/// <param name="Code">The script: a C# expression, or statements that return a <see cref="bool"/>.</param>
/// <param name="Schema">The schema of the rule's dataset; the script reads the record through typed properties made from it.</param>
public sealed record ScriptConditionRequest(string RuleId, string Code, DatasetSchema Schema)
{
    /// <summary>Gets the model's parameters, visible to the script as <c>p.Name</c>.</summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; init; } = new Dictionary<string, object?>();

    /// <summary>Gets where the script's characters stand in the model file, so diagnostics point into the file.</summary>
    public SourceMap? Source { get; init; }
}
