namespace RuleEngine.Language;

/// <summary>
/// Orders the operands of AND and OR cheapest first — equalities before ranges, field tests before function calls and
/// patterns — but only when no operand can fail on a record: then the order cannot change a result, only the work.
/// Operands that can fail (arithmetic, casts, date arithmetic) keep the order the author wrote, so a guard such as
/// <c>months &lt;&gt; 0 AND amount / months &gt; 1</c> still protects what follows it.
/// </summary>
internal static class ConditionCost
{
    private static readonly HashSet<string> SafeFunctions =
    [
        "length", "lower", "upper", "trim", "nfkc", "contains", "starts_with", "ends_with", "regexp_like", "regexp_extract",
        "coalesce", "least", "greatest", "year", "month", "day", "days_between", "months_between", "age_at", "overlaps", "year_month", "date",
        "array_contains", "array_length", "id_valid", "id_birth_date", "id_gender", "id_region", "id_age_at",
        "credit_code_valid", "case_no_year", "case_no_court", "case_no_type",
    ];

    public static IEnumerable<BoundExpression> CheapestFirst(IReadOnlyList<BoundExpression> operands) =>
        operands.All(IsSafe) ? operands.OrderBy(Cost) : operands;

    public static bool IsSafe(BoundExpression expression) => expression switch
    {
        BoundField or BoundLiteral => true,
        BoundIsNull isNull => IsSafe(isNull.Operand),
        BoundBinary binary => binary.Type == LanguageType.Bool && IsSafe(binary.Left) && IsSafe(binary.Right),
        BoundIn @in => IsSafe(@in.Value) && @in.Items.All(IsSafe),
        BoundLike like => IsSafe(like.Value) && IsSafe(like.Pattern),
        BoundLogical logical => logical.Operands.All(IsSafe),
        BoundUnary { Operator: UnaryOperator.Not } not => IsSafe(not.Operand),
        BoundConvert { IsExplicit: false, Type: not LanguageType.Date } convert => IsSafe(convert.Operand),
        BoundCall call => SafeFunctions.Contains(call.Function.Name) && call.Arguments.All(IsSafe),
        _ => false,
    };

    public static int Cost(BoundExpression expression) => expression switch
    {
        BoundLiteral => 0,
        BoundField => 1,
        BoundIsNull isNull => Cost(isNull.Operand) + 1,
        BoundBinary { Operator: BinaryOperator.Equal } binary => Cost(binary.Left) + Cost(binary.Right) + 1,
        BoundBinary binary => Cost(binary.Left) + Cost(binary.Right) + (binary.OperandType == LanguageType.Text ? 4 : 3),
        BoundIn @in => Cost(@in.Value) + 2,
        BoundLike like => Cost(like.Value) + (like.Pattern is BoundLiteral { Value: string p } && !p.Contains('_', StringComparison.Ordinal) ? 4 : 12),
        BoundLogical logical => logical.Operands.Sum(Cost) + 1,
        BoundUnary unary => Cost(unary.Operand),
        BoundConvert convert => Cost(convert.Operand) + 1,
        BoundCall call => call.Arguments.Sum(Cost) + (call.Function.IsRegex ? 40 : 8),
        _ => 20,
    };
}
