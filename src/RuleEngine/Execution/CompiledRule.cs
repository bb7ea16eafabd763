using RuleEngine.Schema;
using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>
/// A rule ready to run. Record-by-record rules call <see cref="Predicate"/> only; join rules evaluate
/// <see cref="ContextPredicate"/> over a record context built by <see cref="JoinEvaluator"/>; window rules use
/// <see cref="Predicate"/> as their filter and <see cref="Window"/> to count.
/// </summary>
internal sealed class CompiledRule
{
    public required RuleDefinition Definition { get; init; }

    /// <summary>True only where the condition is TRUE, over the rule's own record. The hot loop calls only this.</summary>
    public required Func<Record, bool> Predicate { get; init; }

    /// <summary>Gets the rule's C# script, which classifies the exceptions it raises; <see langword="null"/> for rules without one.</summary>
    public ScriptCondition? Script { get; init; }

    public CompiledJoin[] Joins { get; init; } = [];

    /// <summary>Gets what the rule derives instead of clues, or <see langword="null"/>.</summary>
    public DerivedOutput? Derive { get; init; }

    public Func<Record[], bool>? ContextPredicate { get; init; }

    /// <summary>Gets the bound condition the delegates were compiled from, for back ends that compile it again (SQL).</summary>
    public required Language.BoundExpression Condition { get; init; }

    public CompiledWindow? Window { get; init; }

    /// <summary>Gets the dataset and alias of each slot of the record context (slot 0 is the rule's own dataset).</summary>
    public required (string Dataset, string? Alias)[] Sources { get; init; }

    public required (int Source, int Field)[] SubjectFields { get; init; }

    public required (int Source, int Field)[] EvidenceFields { get; init; }

    /// <summary>Gets the name each of <see cref="EvidenceFields"/> has in a clue: the field's, or <c>alias.field</c> from a joined record.</summary>
    public required string[] EvidenceNames { get; init; }

    /// <summary>Gets, for each of <see cref="EvidenceFields"/>, whether the rule declares it material.</summary>
    public bool[] MaterialEvidence { get; init; } = [];

    /// <summary>Gets the values the clues compute (<see cref="ClueSpec.Computed"/>), in the order of their places among the evidence.</summary>
    public CompiledComputedEvidence[] Computed { get; init; } = [];

    public required TitleTemplate Title { get; init; }

    public required string[] LeafTexts
    {
        get;
        init
        {
            field = value;
            Outcomes = [.. value.SelectMany(text => new Clues.ConditionOutcome[] { new(text, true), new(text, false), new(text, null) })];
        }
    }

    /// <summary>Gets what a leaf gave, TRUE, FALSE or NULL, as one shared (immutable) outcome per leaf and value: a clue's explanation allocates none.</summary>
    public Clues.ConditionOutcome Outcome(int leaf, bool? value) => Outcomes[(3 * leaf) + (value switch { true => 0, false => 1, null => 2 })];

    private Clues.ConditionOutcome[] Outcomes { get; set; } = [];

    /// <summary>Each leaf of the condition as its own three-valued delegate over a record context, compiled on the first clue.</summary>
    public required Lazy<Func<Record[], bool?>[]> Leaves { get; init; }

    /// <summary>Gets the function calls inside the leaves that read the record, compiled on first use (explanations only).</summary>
    public required Lazy<LeafCall[]> LeafCalls { get; init; }
}

/// <summary>A function call inside a leaf condition, whose value an explanation shows.</summary>
/// <param name="Leaf">The leaf's index.</param>
/// <param name="Text">The call as written.</param>
/// <param name="Value">Computes it over the record context.</param>
/// <param name="Shown">How its value is shown: masked when it is made from a personal field (see <c>RuleSetBuilder.ComputedValueDefinition</c>).</param>
internal sealed record LeafCall(int Leaf, string Text, Func<Record[], object?> Value, FieldDefinition Shown);

/// <summary>A value a rule's clues compute: its name, its value over a record context, how it is shown (masked as its personal field), and its place among the evidence.</summary>
internal sealed record CompiledComputedEvidence(string Name, Func<Record[], object?> Value, FieldDefinition Shown, int Position, bool Material);
