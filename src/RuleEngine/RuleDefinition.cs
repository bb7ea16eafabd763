using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>
/// One rule of a supervision model: a condition over the records of a dataset, and what its clues carry.
/// Immutable; front ends (YAML, scripts) produce these, and hosts may write them in code.
/// </summary>
/// <param name="Id">The rule's id, unique in its rule set, such as <c>M02.R1</c>.</param>
/// <param name="Dataset">The dataset whose records the rule reads.</param>
/// <param name="Condition">
/// The condition, in the SQL-like language of <c>docs/language.md</c>, such as
/// <c>cause IN ('盗窃罪', '诈骗罪') AND amount &gt;= 50000</c>.
/// </param>
public sealed record RuleDefinition(string Id, string Dataset, string Condition)
{
    /// <summary>Gets the version of the rule (or of its model), carried by every clue.</summary>
    /// <value>The default is <c>1</c>.</value>
    public string Version { get; init; } = "1";

    /// <summary>Gets another name for the dataset in the condition (<c>j.cause</c>); the dataset's name always works.</summary>
    public string? Alias { get; init; }

    /// <summary>Gets what the rule's clues carry.</summary>
    public ClueSpec Clue { get; init; } = new();

    /// <summary>
    /// Gets where the condition's first character stands in its model file, so diagnostics point into the file.
    /// <see cref="SourceLocation.None"/> (the default) reports positions within the condition itself.
    /// </summary>
    public SourceLocation ConditionLocation { get; init; }

    /// <summary>Gets where the rule is declared, for problems that belong to the rule rather than its condition.</summary>
    public SourceLocation Location { get; init; }
}
