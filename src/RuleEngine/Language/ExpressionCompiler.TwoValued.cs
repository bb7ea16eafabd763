using System.Linq.Expressions;
using System.Reflection;
using static System.Linq.Expressions.Expression;

namespace RuleEngine.Language;

/// <summary>
/// Two-valued code for the question a WHERE clause asks: "is this condition TRUE?" (and, under a NOT, "is it
/// FALSE?"). Instead of computing SQL's three-valued result with nullable wrappers and asking for TRUE at the end,
/// each node is compiled straight into a plain <see langword="bool"/>: NOT swaps the question (De Morgan), AND and OR
/// become short-circuit <c>&amp;&amp;</c> and <c>||</c>, and a comparison is "no operand is NULL and the values
/// compare" — a field read is a null-flag test and a slot read, not a <see cref="Nullable{T}"/>.
/// </summary>
/// <remarks>
/// The answers and the errors are those of the three-valued code, which the differential tests check: operands are
/// evaluated in the same order, every operand of a comparison is evaluated before its NULL tests (as
/// <c>Strict</c> does), and where short-circuiting on UNKNOWN would skip an operand that can fail (an AND asked for
/// TRUE, an OR asked for FALSE, over operands that are not all safe) the node keeps its three-valued code.
/// </remarks>
internal sealed partial class ExpressionCompiler
{
    private static readonly MethodInfo StringEquals = typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!;

    /// <summary>An <c>IN</c> list of at most this many values is compiled as comparisons, a longer one as a frozen set.</summary>
    private const int SmallInList = 4;

    /// <summary>A <see langword="bool"/> that is true exactly where <paramref name="node"/> evaluates to <paramref name="want"/>.</summary>
    private Expression EmitTruth(BoundExpression node, bool want)
    {
        if (_leaves?.AnswerFor(node, want) is { } answer)
        {
            // Asked before in this method: 0 until the first asking computes it, then 1 (so) or 2 (not so).
            Expression ask = Condition(EmitTruthOnce(node, want), Constant(1), Constant(2));
            return Equal(Condition(Equal(answer, Constant(0)), Assign(answer, ask), answer), Constant(1));
        }

        return EmitTruthOnce(node, want);
    }

    private Expression EmitTruthOnce(BoundExpression node, bool want)
    {
        switch (node)
        {
            case BoundLiteral literal:
                return Constant(literal.Value is bool value && value == want);
            case BoundUnary { Operator: UnaryOperator.Not } not:
                return EmitTruth(not.Operand, !want);
            case BoundLogical logical:
                return EmitLogicalTruth(logical, want);
            case BoundIsNull isNull:
            {
                Operand operand = ValueOf(isNull.Operand);
                Expression test = operand.Wrap(operand.IsNull ?? Constant(false));
                return isNull.Negated == want ? Not(test) : test;
            }

            case BoundField { Type: LanguageType.Bool } field:
                return Guarded([ValueOf(field)], v => want ? v[0] : Not(v[0]));
            case BoundBinary binary when IsComparison(binary.Operator):
                return Guarded([ValueOf(binary.Left), ValueOf(binary.Right)], v =>
                {
                    Expression compare = ComparePlain(binary.Operator, v[0], v[1], binary.OperandType);
                    return want ? compare : Not(compare);
                });
            case BoundIn @in when @in.Items.All(i => i is BoundLiteral) && @in.Items.Any(i => i is BoundLiteral { Value: not null }):
                return EmitInTruth(@in, want != @in.Negated);
            case BoundLike { Pattern: BoundLiteral { Value: string pattern } } like:
            {
                LikePattern compiled = LikePattern.Compile(pattern);
                return Guarded([ValueOf(like.Value)], v =>
                {
                    Expression match = Call(Constant(compiled), typeof(LikePattern).GetMethod(nameof(LikePattern.IsMatch))!, v[0]);
                    return want != like.Negated ? match : Not(match);
                });
            }

            case BoundCall call when PlainCall(call) is { } plain && plain.Value.Type == typeof(bool):
                return plain.Wrap(plain.IsNull is null ? (want ? plain.Value : Not(plain.Value)) : AndAlso(Not(plain.IsNull), want ? plain.Value : Not(plain.Value)));
            default:
            {
                // Anything else is computed three-valued and asked the question once.
                ParameterExpression result = Variable(typeof(bool?), "result");
                return Block(
                    [result],
                    Assign(result, Convert(Emit(node), typeof(bool?))),
                    want
                        ? Call(result, typeof(bool?).GetMethod(nameof(Nullable<bool>.GetValueOrDefault), Type.EmptyTypes)!)
                        : AndAlso(Property(result, nameof(Nullable<bool>.HasValue)), Not(Property(result, nameof(Nullable<bool>.Value)))));
            }
        }
    }

    /// <summary>
    /// "AND is TRUE" and "OR is FALSE" need every operand so; "AND is FALSE" and "OR is TRUE" need one. The one-of
    /// forms stop where the three-valued code stops (at the decisive operand); the every-operand forms stop at the
    /// first operand that is not so, which may be UNKNOWN where the three-valued code goes on — allowed only when
    /// every operand is safe, so that what is skipped could not have failed.
    /// </summary>
    private Expression EmitLogicalTruth(BoundLogical logical, bool want)
    {
        bool everyOperand = logical.IsAnd == want;
        if (everyOperand && !logical.Operands.All(ConditionCost.IsSafe))
        {
            Expression threeValued = Convert(EmitLogical(logical), typeof(bool?));
            return Equal(threeValued, Constant(want, typeof(bool?)));
        }

        var operands = ConditionCost.CheapestFirst(logical.Operands).Select(o => EmitTruth(o, want)).ToList();
        return operands.Aggregate((acc, next) => everyOperand ? AndAlso(acc, next) : OrElse(acc, next));
    }

    private Expression EmitInTruth(BoundIn @in, bool member)
    {
        bool hasNull = @in.Items.Any(i => i is BoundLiteral { Value: null });
        if (!member && hasNull)
        {
            // x NOT IN (…, NULL) is never TRUE; x IN (…, NULL) is never FALSE. The value is still evaluated.
            return Block(Emit(@in.Value), Constant(false));
        }

        var values = @in.Items.Cast<BoundLiteral>().Where(l => l.Value is not null).Select(l => l.Value!).Distinct().ToList();
        Type clr = @in.Value.Type.ClrType();
        Type element = Nullable.GetUnderlyingType(clr) ?? clr;
        if (values.Count <= SmallInList)
        {
            // A few values: compared one by one, which beats hashing (a text of the wrong length fails at once).
            return Guarded([ValueOf(@in.Value)], v =>
            {
                Expression test = values.Select(value => element == typeof(string) ? Call(StringEquals, v[0], Constant(value, typeof(string))) : (Expression)Equal(v[0], Constant(value, element))).Aggregate(OrElse);
                return member ? test : Not(test);
            });
        }

        return Guarded([ValueOf(@in.Value)], v =>
        {
            Expression test = SetContains(values, element, v[0]);
            return member ? test : Not(test);
        });
    }

    private static bool IsComparison(BinaryOperator op) =>
        op is BinaryOperator.Equal or BinaryOperator.NotEqual or BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual;

    /// <summary>A comparison of two plain (non-NULL) values, as <see cref="EmitComparison"/> compares them.</summary>
    private static Expression ComparePlain(BinaryOperator op, Expression left, Expression right, LanguageType operand)
    {
        if (operand == LanguageType.Text)
        {
            return op switch
            {
                BinaryOperator.Equal => Call(StringEquals, left, right),
                BinaryOperator.NotEqual => Not(Call(StringEquals, left, right)),
                _ => Compare(op, Call(typeof(TextComparison).GetMethod(nameof(TextComparison.CompareCodePoints))!, left, right), Constant(0)),
            };
        }

        return operand == LanguageType.Bool
            ? Compare(op, Condition(left, Constant(1), Constant(0)), Condition(right, Constant(1), Constant(0)))
            : Compare(op, left, right);
    }

    /// <summary>
    /// Evaluates every operand (in order), then: no operand is NULL and <paramref name="body"/> holds over the plain values.
    /// </summary>
    private static Expression Guarded(Operand[] operands, Func<Expression[], Expression> body)
    {
        Expression test = body([.. operands.Select(o => o.Value)]);
        for (int i = operands.Length - 1; i >= 0; i--)
        {
            if (operands[i].IsNull is { } isNull)
            {
                test = AndAlso(Not(isNull), test);
            }
        }

        var variables = operands.SelectMany(o => o.Variables).ToList();
        var assignments = operands.SelectMany(o => o.Assignments).ToList();
        return variables.Count == 0 ? test : Block(typeof(bool), variables, [.. assignments, test]);
    }

    /// <summary>
    /// An operand as a plain value and a NULL test: a literal is a constant, a field a slot read and its null flag, a
    /// widening conversion of either converts the plain value, a safe function call over such operands calls the
    /// function on plain values; anything else is computed (nullable) into a variable.
    /// </summary>
    private Operand ValueOf(BoundExpression node)
    {
        switch (node)
        {
            case BoundLiteral { Value: { } value } literal:
                return new Operand(null, Constant(value, Nullable.GetUnderlyingType(literal.Type.ClrType()) ?? literal.Type.ClrType()), [], []);
            case BoundField field:
            {
                (Expression? isNull, Expression read) = ReadField(field);
                if (isNull is not null || read.Type.IsValueType)
                {
                    // A value with a NULL flag, or a host's non-nullable value that never is NULL.
                    return new Operand(isNull, read, [], []);
                }

                // A text or list field: read it once, NULL when the reference is.
                ParameterExpression variable = Variable(read.Type, "field");
                return new Operand(ReferenceEqual(variable, Constant(null, read.Type)), variable, [variable], [Assign(variable, read)]);
            }

            case BoundConvert { Operand: BoundLiteral { Value: { } value }, Type: var to } when Widened(value, to) is { } widened:
                return new Operand(null, Constant(widened), [], []);
            case BoundConvert { Operand.Type: var from, Type: var to } convert when IsWidening(from, to):
            {
                Operand operand = ValueOf(convert.Operand);
                return operand with { Value = Convert(operand.Value, Nullable.GetUnderlyingType(to.ClrType())!) };
            }

            case BoundCall call when PlainCall(call) is { } plain:
                return plain;
            default:
            {
                Expression computed = Emit(node);
                ParameterExpression variable = Variable(computed.Type, "value");
                bool nullable = Nullable.GetUnderlyingType(computed.Type) is not null;
                return nullable
                    ? new Operand(Not(Property(variable, "HasValue")), Call(variable, computed.Type.GetMethod(nameof(Nullable<int>.GetValueOrDefault), Type.EmptyTypes)!), [variable], [Assign(variable, computed)])
                    : new Operand(computed.Type.IsValueType ? null : ReferenceEqual(variable, Constant(null, computed.Type)), variable, [variable], [Assign(variable, computed)]);
            }
        }
    }

    /// <summary>
    /// A call of a built-in function whose arguments are all evaluated (in order) and that returns NULL when any is:
    /// its plain result and the NULL test of its arguments. Only a function that cannot fail is called after the NULL
    /// tests rather than with them, and only one not computed once per record for several rules.
    /// </summary>
    private Operand? PlainCall(BoundCall call)
    {
        FunctionDefinition function = call.Function;
        if (function.Kind != FunctionKind.Strict || function.Method is not { } method || !ConditionCost.IsSafe(call)
            || Nullable.GetUnderlyingType(method.ReturnType) is not null || method.ReturnType == typeof(void)
            || (_shared.Count > 0 && _shared.ContainsKey(SharedSubexpressions.Key(call))))
        {
            return null;
        }

        if (!method.ReturnType.IsValueType)
        {
            // A reference result (text) may itself be NULL: the caller computes it into a variable.
            return null;
        }

        var operands = new List<Operand>();
        var parameters = new Expression[call.Arguments.Count];
        for (int i = 0; i < parameters.Length; i++)
        {
            if (function.LiteralParameters.Contains(i))
            {
                parameters[i] = function.IsRegex ? Constant(call.Regex) : Constant(((BoundLiteral)call.Arguments[i]).Value, typeof(string));
            }
            else
            {
                Operand operand = ValueOf(call.Arguments[i]);
                operands.Add(operand);
                parameters[i] = operand.Value;
            }
        }

        Expression? isNull = operands.Select(o => o.IsNull).OfType<Expression>().Aggregate((Expression?)null, (acc, next) => acc is null ? next : OrElse(acc, next));
        return new Operand(isNull, Call(method, parameters), [.. operands.SelectMany(o => o.Variables)], [.. operands.SelectMany(o => o.Assignments)]);
    }

    private static bool IsWidening(LanguageType from, LanguageType to) =>
        (from, to) is (LanguageType.Int, LanguageType.Decimal) or (LanguageType.Int, LanguageType.Double) or (LanguageType.Decimal, LanguageType.Double);

    private static object? Widened(object value, LanguageType to) => (value, to) switch
    {
        (long l, LanguageType.Decimal) => (decimal)l,
        (long l, LanguageType.Double) => (double)l,
        (decimal m, LanguageType.Double) => (double)m,
        _ => null,
    };

    /// <summary>A plain value, the test that it is NULL (<see langword="null"/> when it never is), and the variables and assignments that compute it first.</summary>
    private sealed record Operand(Expression? IsNull, Expression Value, ParameterExpression[] Variables, Expression[] Assignments)
    {
        /// <summary>Wraps a test over this operand in the block that computes it.</summary>
        public Expression Wrap(Expression test) => Variables.Length == 0 ? test : Block(typeof(bool), Variables, [.. Assignments, test]);
    }
}
