using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>A rule ready to run: its predicate, and what its clues carry, resolved to field indexes.</summary>
internal sealed class CompiledRule
{
    public required RuleDefinition Definition { get; init; }

    /// <summary>True only where the condition is TRUE. The hot loop calls only this.</summary>
    public required Func<Record, bool> Predicate { get; init; }

    public required int[] SubjectFields { get; init; }

    public required int[] EvidenceFields { get; init; }

    public required TitleTemplate Title { get; init; }

    public required string[] LeafTexts { get; init; }

    /// <summary>Each leaf of the condition as its own three-valued delegate, compiled on the first clue.</summary>
    public required Lazy<Func<Record, bool?>[]> Leaves { get; init; }
}
