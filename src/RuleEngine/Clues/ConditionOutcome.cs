namespace RuleEngine.Clues;

/// <summary>The value of one leaf of a rule's condition on the record behind a clue: part of the clue's explanation.</summary>
/// <param name="Condition">The leaf's text, as written in the rule, such as <c>amount &gt;= 50000</c>.</param>
/// <param name="Value"><see langword="true"/>, <see langword="false"/>, or <see langword="null"/> for UNKNOWN (a NULL operand).</param>
public sealed record ConditionOutcome(string Condition, bool? Value)
{
    /// <summary>Gets the diagnostic code when the leaf could not be evaluated (its value is then <see langword="null"/>).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>
    /// Gets the values of the function calls in the condition that read the record (<c>days_between(a, b)</c> = 45), in
    /// explanations of one record (<c>RuleSet.ExplainAsync</c>); empty in the clues of a run. Masked like evidence.
    /// </summary>
    public IReadOnlyList<ComputedValue> Computed { get; init; } = [];
}

/// <summary>The value of an expression inside a condition, for an explanation.</summary>
/// <param name="Expression">The expression as written, such as <c>regexp_extract(facts, '(\d+)mg', 1)</c>.</param>
/// <param name="Value">Its value on the record (masked like evidence when it reads personal data), or <see langword="null"/>.</param>
public sealed record ComputedValue(string Expression, string? Value);
