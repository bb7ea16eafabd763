namespace RuleEngine.Clues;

/// <summary>The value of one leaf of a rule's condition on the record behind a clue: part of the clue's explanation.</summary>
/// <param name="Condition">The leaf's text, as written in the rule, such as <c>amount &gt;= 50000</c>.</param>
/// <param name="Value"><see langword="true"/>, <see langword="false"/>, or <see langword="null"/> for UNKNOWN (a NULL operand).</param>
public sealed record ConditionOutcome(string Condition, bool? Value)
{
    /// <summary>Gets the diagnostic code when the leaf could not be evaluated (its value is then <see langword="null"/>).</summary>
    public string? ErrorCode { get; init; }
}
