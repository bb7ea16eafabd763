using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>
/// What a deriving rule publishes instead of clues: a dataset of its own (a stage of a multi-stage model), one record
/// for each record context the rule matches, with the declared fields. Other rules of the rule set read it with their
/// dataset (<c>from:</c>) or join it like any dataset; the run orders the stages itself.
/// </summary>
/// <param name="Dataset">The derived dataset's name: unique among the rule set's datasets.</param>
/// <param name="Fields">Its fields: each a name and an expression over the rule's record and joined aliases, typed by the binder (a plain field keeps its type, personal kind and Chinese name).</param>
public sealed record DeriveDefinition(string Dataset, IReadOnlyList<DerivedField> Fields)
{
    /// <summary>Gets the fields that identify a derived record's subject; by default, those copied from the rule's dataset key.</summary>
    public IReadOnlyList<string> Key { get; init; } = [];

    /// <summary>Gets where the derivation is declared.</summary>
    public SourceLocation Location { get; init; }
}

/// <summary>One field of a derived dataset (<see cref="DeriveDefinition.Fields"/>).</summary>
/// <param name="Name">The field's name.</param>
/// <param name="Expression">Its value, such as <c>d.death_date</c> or <c>days_between(d.death_date, paid_on)</c>.</param>
public sealed record DerivedField(string Name, string Expression)
{
    /// <summary>Gets where <see cref="Expression"/>'s characters stand in their file, so a problem in it is reported where it is written.</summary>
    public SourceMap? Source { get; init; }
}
