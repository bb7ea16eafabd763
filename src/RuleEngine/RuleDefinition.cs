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
    /// <summary>Gets the id of the supervision model the rule belongs to, carried by every clue.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the version of the rule (or of its model), carried by every clue.</summary>
    /// <value>The default is <c>1</c>.</value>
    public string Version { get; init; } = "1";

    /// <summary>Gets another name for the dataset in the condition (<c>j.cause</c>); the dataset's name always works.</summary>
    public string? Alias { get; init; }

    /// <summary>Gets the reference datasets joined to the rule's records, in order.</summary>
    public IReadOnlyList<JoinDefinition> Joins { get; init; } = [];

    /// <summary>Gets the rolling window the rule counts in, for aggregation rules; <see langword="null"/> for record-by-record rules.</summary>
    public WindowDefinition? Window { get; init; }

    /// <summary>Gets what the rule's clues carry.</summary>
    public ClueSpec Clue { get; init; } = new();

    /// <summary>
    /// Gets the dataset the rule derives: when set, the rule publishes a record of it for every record context it
    /// matches instead of a clue, and rules that read that dataset run after it is complete.
    /// </summary>
    public DeriveDefinition? Derive { get; init; }

    /// <summary>
    /// Gets a value indicating whether an ID number that fails its check (length, region, birth date, check character)
    /// still identifies a person in the rule's join keys, window key and clue subject, by its text.
    /// </summary>
    /// <value>The default is <see langword="false"/>: such a value is NULL there — it joins nothing, is counted in no
    /// window, and the clue's subject is empty (its identity is its line) — so two equally wrong numbers never stand
    /// for one person. Conditions always see the text (<c>NOT id_valid(person_id)</c> finds them), and every such value
    /// is a field warning (RE5012) of its dataset.</value>
    public bool KeepInvalidIdNumbers { get; init; }

    /// <summary>
    /// Gets the values of the parameters the condition names as <c>$name</c>: <see cref="long"/>, <see cref="int"/>,
    /// <see cref="decimal"/>, <see cref="double"/>, <see cref="string"/>, <see cref="bool"/>, <see cref="DateOnly"/>,
    /// <see cref="DateTime"/>, or a list of one of them (for <c>cause IN $causes</c>).
    /// </summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; init; } = new Dictionary<string, object?>();

    /// <summary>
    /// Gets where the condition's characters stand in their model file, so diagnostics point into the file.
    /// <see langword="null"/> (the default) reports positions within the condition itself.
    /// </summary>
    public SourceMap? ConditionSource { get; init; }

    /// <summary>
    /// Gets a C# script that must also hold for the record to be a clue: an expression, or statements that return a
    /// <see cref="bool"/>, over the record as typed properties (<c>r.Amount</c>). The <see cref="Condition"/> runs
    /// first and may be empty; its equality tests still index the rule. Needs a compiler from
    /// <see cref="RuleSetBuilder.UseScriptCompiler"/>.
    /// </summary>
    public string? Script { get; init; }

    /// <summary>Gets where the script's characters stand in their model file, so diagnostics point into the file.</summary>
    public SourceMap? ScriptSource { get; init; }

    /// <summary>Gets where the rule is declared, for problems that belong to the rule rather than its condition.</summary>
    public SourceLocation Location { get; init; }
}
