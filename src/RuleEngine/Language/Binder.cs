using System.Globalization;
using System.Text.RegularExpressions;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Language;

/// <summary>
/// Type-checks a parsed expression against a dataset's schema. Every problem becomes a diagnostic with its
/// code, its exact place in the text and a hint; a node that fails binds to <see cref="BoundError"/> so one
/// mistake does not cascade into many.
/// </summary>
internal sealed class Binder
{
    private static readonly TimeSpan RegexConstructionTimeout = TimeSpan.FromSeconds(1);
    private readonly ExpressionText _source;
    private readonly BindingScope _scope;
    private readonly DiagnosticBag _diagnostics;
    private readonly string? _ruleId;
    private readonly List<(TextSpan Span, BoundExpression Expression)> _leaves = [];
    private readonly SortedSet<(int Source, int Field)> _fields = [];

    public Binder(ExpressionText source, BindingScope scope, DiagnosticBag diagnostics, string? ruleId)
    {
        _source = source;
        _scope = scope;
        _diagnostics = diagnostics;
        _ruleId = ruleId;
    }

    /// <summary>Gets the predicate leaves of the condition (comparisons, IN, LIKE, …) that an explanation reports.</summary>
    public IReadOnlyList<(TextSpan Span, BoundExpression Expression)> Leaves => _leaves;

    /// <summary>Gets the fields of the rule's own dataset that the expression reads, in schema order.</summary>
    public IReadOnlyCollection<int> ReferencedFields => [.. _fields.Where(f => f.Source == 0).Select(f => f.Field)];

    /// <summary>Gets every field the expression reads, by source and then schema order.</summary>
    public IReadOnlyCollection<(int Source, int Field)> ReferencedSourceFields => _fields;

    public BoundExpression BindCondition(SyntaxNode node)
    {
        BoundExpression bound = BindPredicate(node);
        if (bound.Type is not (LanguageType.Bool or LanguageType.Null or LanguageType.Error))
        {
            Error(DiagnosticIds.ConditionNotBoolean, $"The condition is {bound.Type.WithArticle()} value, not true or false.", node.Span, "Compare it with something, as in amount >= 50000.");
            return new BoundError(node.Span);
        }

        return bound;
    }

    /// <summary>Binds an expression of any type (used by tests and the differential oracle).</summary>
    public BoundExpression BindValue(SyntaxNode node) => Bind(node);

    private BoundExpression BindPredicate(SyntaxNode node)
    {
        switch (node)
        {
            case LogicalSyntax logical:
                return BindLogical(logical, BindPredicate);
            case UnarySyntax { Operator: UnaryOperator.Not } not:
            {
                // A NOT is one condition with its own text and value: shown as its operand, `contains(fact, '逃') → true`
                // read as met on a record where the negated condition was the one that failed.
                BoundExpression negated = BindNot(not, Bind);
                if (negated.Type is LanguageType.Bool or LanguageType.Null)
                {
                    _leaves.Add((not.Span, negated));
                }

                return negated;
            }

            default:
                BoundExpression leaf = Bind(node);
                if (leaf.Type is LanguageType.Bool or LanguageType.Null)
                {
                    _leaves.Add((node.Span, leaf));
                }

                return leaf;
        }
    }

    private BoundExpression Bind(SyntaxNode node) => node switch
    {
        LiteralSyntax literal => BindLiteral(literal),
        NameSyntax name => BindName(name),
        ParameterSyntax parameter => BindParameter(parameter),
        UnarySyntax { Operator: UnaryOperator.Not } not => BindNot(not, Bind),
        UnarySyntax unary => BindUnary(unary),
        BinarySyntax binary => BindBinary(binary),
        LogicalSyntax logical => BindLogical(logical, Bind),
        BetweenSyntax between => BindBetween(between),
        InSyntax @in => BindIn(@in),
        LikeSyntax like => BindLike(like),
        IsNullSyntax isNull => new BoundIsNull(isNull.Span, Bind(isNull.Value), isNull.Negated),
        CaseSyntax @case => BindCase(@case),
        CallSyntax call => BindCall(call),
        CastSyntax cast => BindCast(cast),
        _ => throw new InvalidOperationException($"Unknown syntax node {node.GetType().Name}."),
    };

    private static BoundLiteral BindLiteral(LiteralSyntax literal) => literal.Kind switch
    {
        LiteralKind.Null => new BoundLiteral(LanguageType.Null, literal.Span, null),
        LiteralKind.Bool => new BoundLiteral(LanguageType.Bool, literal.Span, literal.Value),
        LiteralKind.Integer => new BoundLiteral(LanguageType.Int, literal.Span, literal.Value),
        LiteralKind.Decimal => new BoundLiteral(LanguageType.Decimal, literal.Span, literal.Value),
        LiteralKind.Double => new BoundLiteral(LanguageType.Double, literal.Span, literal.Value),
        LiteralKind.Text => new BoundLiteral(LanguageType.Text, literal.Span, literal.Value),
        LiteralKind.Date => new BoundLiteral(LanguageType.Date, literal.Span, ((DateOnly)literal.Value!).DayNumber),
        _ => new BoundLiteral(LanguageType.Timestamp, literal.Span, ((DateTime)literal.Value!).Ticks),
    };

    private BoundExpression BindName(NameSyntax name)
    {
        ScopeSource source = _scope.Sources[0];
        string field = name.Dotted;
        int index = source.Schema.IndexOf(field);
        if (name.Parts.Count > 1 && _scope.SourceByAlias(name.Parts[0]) is { } qualified && (index < 0 || qualified.Index != 0))
        {
            source = qualified;
            field = string.Join('.', name.Parts.Skip(1));
            index = source.Schema.IndexOf(field);
        }
        else if (index < 0 && name.Parts.Count > 1 && !source.Schema.Fields.Any(f => f.Name.StartsWith(name.Parts[0] + ".", StringComparison.Ordinal)))
        {
            Error(DiagnosticIds.UnknownAlias, $"'{name.Parts[0]}' names no dataset of this rule.", name.Span, $"The rule reads {string.Join(", ", _scope.Aliases.Select(a => $"'{a}'"))}.");
            return new BoundError(name.Span);
        }

        if (index < 0)
        {
            string? suggestion = NameSuggester.Closest(field, source.Schema.Fields.Select(f => f.Name));
            string? hint = suggestion is not null ? $"Did you mean '{suggestion}'?"
                : name.IsQuoted ? $"Text literals take single quotes: '{field}'; double quotes name a field."
                : _scope.Sources.Skip(1).FirstOrDefault(s => s.Schema.IndexOf(field) >= 0) is { } other ? $"Joined fields are qualified: {other.Aliases.Last()}.{field}."
                : name.Parts.Count == 1 && !field.All(char.IsAscii) ? $"Field names are the dataset's; a text value takes single quotes: '{field}'."
                : null;
            Error(DiagnosticIds.UnknownField, $"Dataset '{source.Schema.Name}' has no field '{field}'.", name.Span, hint);
            return new BoundError(name.Span);
        }

        _fields.Add((source.Index, index));
        FieldDefinition definition = source.Schema.Fields[index];
        return new BoundField(LanguageTypes.Of(definition.Type), name.Span, index, definition) { Source = source.Index };
    }

    private BoundExpression BindParameter(ParameterSyntax parameter)
    {
        BoundExpression[]? values = BindParameterValues(parameter);
        if (values is null)
        {
            return new BoundError(parameter.Span);
        }

        if (values.Length != 1 || _scope.Parameters[parameter.Name] is System.Collections.IList)
        {
            Error(DiagnosticIds.InvalidParameter, $"Parameter '${parameter.Name}' is a list; it can only follow IN.", parameter.Span, $"Write x IN ${parameter.Name}.");
            return new BoundError(parameter.Span);
        }

        return values[0];
    }

    /// <summary>The literal(s) a parameter stands for: one for a value, one per item for a list.</summary>
    private BoundExpression[]? BindParameterValues(ParameterSyntax parameter)
    {
        if (!_scope.Parameters.TryGetValue(parameter.Name, out object? value))
        {
            string? suggestion = NameSuggester.Closest(parameter.Name, _scope.Parameters.Keys);
            Error(DiagnosticIds.UnknownParameter, $"There is no parameter '${parameter.Name}'.", parameter.Span, suggestion is null ? "Declare it under the model's parameters." : $"Did you mean '${suggestion}'?");
            return null;
        }

        object?[] items = value is System.Collections.IList list ? [.. list.Cast<object?>()] : [value];
        var literals = new BoundExpression[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            BoundLiteral? literal = items[i] switch
            {
                null => new BoundLiteral(LanguageType.Null, parameter.Span, null),
                long l => new BoundLiteral(LanguageType.Int, parameter.Span, l),
                int n => new BoundLiteral(LanguageType.Int, parameter.Span, (long)n),
                decimal d => new BoundLiteral(LanguageType.Decimal, parameter.Span, d),
                double d when double.IsFinite(d) => new BoundLiteral(LanguageType.Double, parameter.Span, d),
                string s => new BoundLiteral(LanguageType.Text, parameter.Span, s),
                bool b => new BoundLiteral(LanguageType.Bool, parameter.Span, b),
                DateOnly date => new BoundLiteral(LanguageType.Date, parameter.Span, date.DayNumber),
                DateTime time => new BoundLiteral(LanguageType.Timestamp, parameter.Span, time.Ticks),
                _ => null,
            };
            if (literal is null)
            {
                Error(DiagnosticIds.InvalidParameter, $"Parameter '${parameter.Name}' holds a value of type {items[i]!.GetType().Name}, which conditions cannot use.", parameter.Span);
                return null;
            }

            literals[i] = literal;
        }

        return literals;
    }

    private BoundExpression BindNot(UnarySyntax not, Func<SyntaxNode, BoundExpression> bindOperand)
    {
        BoundExpression operand = bindOperand(not.Operand);
        if (operand.Type == LanguageType.Error)
        {
            return new BoundError(not.Span);
        }

        if (!LanguageTypes.ConvertsImplicitly(operand.Type, LanguageType.Bool))
        {
            return Mismatch(not.Span, $"NOT needs true or false, not {operand.Type.WithArticle()} value.");
        }

        return new BoundUnary(LanguageType.Bool, not.Span, UnaryOperator.Not, ConvertTo(operand, LanguageType.Bool));
    }

    private BoundExpression BindLogical(LogicalSyntax logical, Func<SyntaxNode, BoundExpression> bindOperand)
    {
        var operands = new List<BoundExpression>(logical.Operands.Count);
        bool failed = false;
        foreach (SyntaxNode operandSyntax in logical.Operands)
        {
            BoundExpression operand = bindOperand(operandSyntax);
            if (operand.Type == LanguageType.Error)
            {
                failed = true;
                continue;
            }

            if (!LanguageTypes.ConvertsImplicitly(operand.Type, LanguageType.Bool))
            {
                string op = logical.IsAnd ? "AND" : "OR";
                Mismatch(operandSyntax.Span, $"{op} joins conditions, but this is {operand.Type.WithArticle()} value.", "Compare it with something, as in amount >= 50000.");
                failed = true;
                continue;
            }

            operands.Add(ConvertTo(operand, LanguageType.Bool));
        }

        return failed ? new BoundError(logical.Span) : new BoundLogical(logical.Span, logical.IsAnd, operands);
    }

    private BoundExpression BindUnary(UnarySyntax unary)
    {
        BoundExpression operand = Bind(unary.Operand);
        if (operand.Type == LanguageType.Error)
        {
            return new BoundError(unary.Span);
        }

        if (operand.Type == LanguageType.Null)
        {
            return new BoundLiteral(LanguageType.Null, unary.Span, null);
        }

        if (!operand.Type.IsNumeric())
        {
            return Mismatch(unary.Span, $"A sign needs a number, not {operand.Type.WithArticle()} value.");
        }

        return unary.Operator == UnaryOperator.Plus ? operand : new BoundUnary(operand.Type, unary.Span, UnaryOperator.Negate, operand);
    }

    private BoundExpression BindBinary(BinarySyntax binary)
    {
        BoundExpression left = Bind(binary.Left);
        BoundExpression right = Bind(binary.Right);
        return BindBinary(binary.Operator, left, right, binary.Span, binary.OperatorSpan);
    }

    private BoundExpression BindBinary(BinaryOperator op, BoundExpression left, BoundExpression right, TextSpan span, TextSpan operatorSpan)
    {
        if (left.Type == LanguageType.Error || right.Type == LanguageType.Error)
        {
            return new BoundError(span);
        }

        string symbol = op.Symbol();
        switch (op)
        {
            case BinaryOperator.Equal or BinaryOperator.NotEqual or BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual:
                (left, right) = (CoerceTextLiteral(left, right.Type), CoerceTextLiteral(right, left.Type));
                if (left.Type == LanguageType.Error || right.Type == LanguageType.Error)
                {
                    return new BoundError(span);
                }

                LanguageType? common = LanguageTypes.Common(left.Type, right.Type);
                if (common is null || common == LanguageType.TextArray)
                {
                    return Mismatch(operatorSpan, $"Cannot compare {left.Type.WithArticle()} value with {right.Type.WithArticle()} value using '{symbol}'.", ComparisonHint(left, right));
                }

                LanguageType operandType = common == LanguageType.Null ? LanguageType.Bool : common.Value;
                return new BoundBinary(LanguageType.Bool, span, op, ConvertTo(left, operandType), ConvertTo(right, operandType), operandType);

            case BinaryOperator.Concat:
                if (!LanguageTypes.ConvertsImplicitly(left.Type, LanguageType.Text) || !LanguageTypes.ConvertsImplicitly(right.Type, LanguageType.Text))
                {
                    return Mismatch(operatorSpan, $"'||' joins texts, not {left.Type.WithArticle()} and {right.Type.WithArticle()} value.", "Convert with CAST(x AS TEXT).");
                }

                return new BoundBinary(LanguageType.Text, span, op, ConvertTo(left, LanguageType.Text), ConvertTo(right, LanguageType.Text), LanguageType.Text);
        }

        // date ± days; date ± NULL is a NULL date (NULL propagates, as documented), never a type error.
        if (left.Type == LanguageType.Date && op is BinaryOperator.Add or BinaryOperator.Subtract && LanguageTypes.ConvertsImplicitly(right.Type, LanguageType.Int))
        {
            return new BoundBinary(LanguageType.Date, span, op, left, ConvertTo(right, LanguageType.Int), LanguageType.Date);
        }

        if (left.Type == LanguageType.Date && right.Type == LanguageType.Date && op == BinaryOperator.Subtract)
        {
            return new BoundBinary(LanguageType.Int, span, op, left, right, LanguageType.Date);
        }

        bool leftNumeric = left.Type.IsNumeric() || left.Type == LanguageType.Null;
        bool rightNumeric = right.Type.IsNumeric() || right.Type == LanguageType.Null;
        if (!leftNumeric || !rightNumeric)
        {
            string hint = left.Type == LanguageType.Date || right.Type == LanguageType.Date
                ? "Dates take + and - with a number of days, or days_between(a, b)."
                : "Arithmetic needs numbers; convert text with CAST(x AS DECIMAL).";
            return Mismatch(operatorSpan, $"Cannot apply '{symbol}' to {left.Type.WithArticle()} and {right.Type.WithArticle()} value.", hint);
        }

        LanguageType type = LanguageTypes.Common(left.Type, right.Type) is { } t && t != LanguageType.Null ? t : LanguageType.Int;
        if (op == BinaryOperator.Divide && type == LanguageType.Int)
        {
            type = LanguageType.Decimal;
        }

        return new BoundBinary(type, span, op, ConvertTo(left, type), ConvertTo(right, type), type);
    }

    private BoundExpression BindBetween(BetweenSyntax between)
    {
        BoundExpression value = Bind(between.Value);
        BoundExpression low = Bind(between.Low);
        BoundExpression high = Bind(between.High);
        BoundExpression lower = BindBinary(BinaryOperator.GreaterOrEqual, value, low, between.Span, between.Low.Span);
        BoundExpression upper = BindBinary(BinaryOperator.LessOrEqual, value, high, between.Span, between.High.Span);
        if (lower.Type == LanguageType.Error || upper.Type == LanguageType.Error)
        {
            return new BoundError(between.Span);
        }

        var both = new BoundLogical(between.Span, IsAnd: true, [lower, upper]);
        return between.Negated ? new BoundUnary(LanguageType.Bool, between.Span, UnaryOperator.Not, both) : both;
    }

    private BoundExpression BindIn(InSyntax @in)
    {
        BoundExpression value = Bind(@in.Value);
        var items = new List<BoundExpression>();
        var itemSpans = new List<TextSpan>();
        foreach (SyntaxNode itemSyntax in @in.Items)
        {
            BoundExpression[] bound = itemSyntax is ParameterSyntax parameter
                ? BindParameterValues(parameter) ?? [new BoundError(parameter.Span)]
                : [Bind(itemSyntax)];
            items.AddRange(bound);
            itemSpans.AddRange(bound.Select(_ => itemSyntax.Span));
        }

        if (value.Type == LanguageType.Error || items.Exists(i => i.Type == LanguageType.Error))
        {
            return new BoundError(@in.Span);
        }

        items = items.Select(i => CoerceTextLiteral(i, value.Type)).ToList();
        LanguageType common = value.Type;
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i].Type == LanguageType.Error)
            {
                return new BoundError(@in.Span);
            }

            LanguageType? next = LanguageTypes.Common(common, items[i].Type);
            if (next is null || next == LanguageType.TextArray)
            {
                return Mismatch(itemSpans[i], $"The IN list holds {items[i].Type.WithArticle()} value, but the value tested is {value.Type.Display()}.", ComparisonHint(value, items[i]));
            }

            common = next.Value;
        }

        if (common == LanguageType.Null)
        {
            common = LanguageType.Bool;
        }

        return new BoundIn(@in.Span, ConvertTo(value, common), items.Select(i => ConvertTo(i, common)).ToList(), @in.Negated);
    }

    private BoundExpression BindLike(LikeSyntax like)
    {
        BoundExpression value = Bind(like.Value);
        BoundExpression pattern = Bind(like.Pattern);
        if (value.Type == LanguageType.Error || pattern.Type == LanguageType.Error)
        {
            return new BoundError(like.Span);
        }

        if (!LanguageTypes.ConvertsImplicitly(value.Type, LanguageType.Text))
        {
            return Mismatch(like.Value.Span, $"LIKE matches text, not {value.Type.WithArticle()} value.", "Convert with CAST(x AS TEXT).");
        }

        if (!LanguageTypes.ConvertsImplicitly(pattern.Type, LanguageType.Text))
        {
            return Mismatch(like.Pattern.Span, $"A LIKE pattern is text, not {pattern.Type.WithArticle()} value.", "Write a pattern such as '%借款%'.");
        }

        return new BoundLike(like.Span, ConvertTo(value, LanguageType.Text), ConvertTo(pattern, LanguageType.Text), like.Negated);
    }

    private BoundExpression BindCase(CaseSyntax @case)
    {
        var branches = new List<(BoundExpression When, BoundExpression Then)>();
        bool failed = false;
        LanguageType result = LanguageType.Null;
        var thens = new List<(BoundExpression Value, TextSpan Span)>();
        foreach ((SyntaxNode whenSyntax, SyntaxNode thenSyntax) in @case.Branches)
        {
            BoundExpression when = Bind(whenSyntax);
            BoundExpression then = Bind(thenSyntax);
            if (when.Type == LanguageType.Error || then.Type == LanguageType.Error)
            {
                failed = true;
                continue;
            }

            if (!LanguageTypes.ConvertsImplicitly(when.Type, LanguageType.Bool))
            {
                Mismatch(whenSyntax.Span, $"WHEN needs a condition, not {when.Type.WithArticle()} value.");
                failed = true;
                continue;
            }

            branches.Add((ConvertTo(when, LanguageType.Bool), then));
            thens.Add((then, thenSyntax.Span));
        }

        BoundExpression? otherwise = @case.Else is null ? null : Bind(@case.Else);
        if (otherwise is { Type: LanguageType.Error })
        {
            failed = true;
        }
        else if (otherwise is not null)
        {
            thens.Add((otherwise, @case.Else!.Span));
        }

        if (failed)
        {
            return new BoundError(@case.Span);
        }

        foreach ((BoundExpression value, TextSpan span) in thens)
        {
            LanguageType? next = LanguageTypes.Common(result, value.Type);
            if (next is null)
            {
                return Mismatch(span, $"This branch of CASE gives {value.Type.WithArticle()} value, but an earlier one gives {result.Display()}.", "Every THEN and ELSE must give the same type.");
            }

            result = next.Value;
        }

        return new BoundCase(result, @case.Span, branches.Select(b => (b.When, ConvertTo(b.Then, result))).ToList(), otherwise is null ? null : ConvertTo(otherwise, result));
    }

    private BoundExpression BindCall(CallSyntax call)
    {
        var arguments = call.Arguments.Select(Bind).ToList();
        if (!FunctionLibrary.TryGet(call.Name, out FunctionDefinition[] overloads))
        {
            string? suggestion = NameSuggester.Closest(call.Name, FunctionLibrary.Names);
            Error(DiagnosticIds.UnknownFunction, $"There is no function '{call.Name}'.", call.NameSpan, suggestion is null ? "See docs/language.md for the function library." : $"Did you mean '{suggestion}'?");
            return new BoundError(call.Span);
        }

        if (arguments.Exists(a => a.Type == LanguageType.Error))
        {
            return new BoundError(call.Span);
        }

        FunctionDefinition first = overloads[0];
        if (first.IsVariadic)
        {
            return BindVariadic(call, first, arguments);
        }

        var arities = overloads.Select(o => o.Parameters.Length).Distinct().Order().ToList();
        if (!arities.Contains(arguments.Count))
        {
            string expected = string.Join(" or ", arities);
            Error(DiagnosticIds.WrongArgumentCount, $"Function '{call.Name}' takes {expected} argument(s), not {arguments.Count}.", call.Span, $"Usage: {Usage(overloads)}.");
            return new BoundError(call.Span);
        }

        FunctionDefinition? chosen = overloads
            .Where(o => o.Parameters.Length == arguments.Count && o.Parameters.Zip(arguments).All(p => LanguageTypes.ConvertsImplicitly(p.Second.Type, p.First)))
            .OrderBy(o => o.Parameters.Zip(arguments).Count(p => p.First != p.Second.Type))
            .FirstOrDefault();
        if (chosen is null)
        {
            int bad = overloads.Where(o => o.Parameters.Length == arguments.Count)
                .SelectMany(o => o.Parameters.Select((p, i) => (p, i)).Where(x => !LanguageTypes.ConvertsImplicitly(arguments[x.i].Type, x.p)).Select(x => x.i))
                .DefaultIfEmpty(0).Min();
            string got = string.Join(", ", arguments.Select(a => a.Type.Display()));
            Error(DiagnosticIds.TypeMismatch, $"Function '{call.Name}' does not take ({got}).", call.Arguments[bad].Span, $"Usage: {Usage(overloads)}.");
            return new BoundError(call.Span);
        }

        var converted = chosen.Parameters.Zip(arguments, (p, a) => ConvertTo(a, p)).ToList();
        Regex? regex = null;
        foreach (int literalIndex in chosen.LiteralParameters)
        {
            if (converted[literalIndex] is not BoundLiteral { Value: string literal })
            {
                string what = chosen.IsRegex ? "pattern" : "unit";
                Error(DiagnosticIds.ArgumentMustBeLiteral, $"The {what} of '{call.Name}' must be a text literal.", call.Arguments[literalIndex].Span, chosen.IsRegex ? "Write the pattern in quotes, as in regexp_like(facts, '醉酒|酒后')." : "Write 'day', 'month' or 'year'.");
                return new BoundError(call.Span);
            }

            if (chosen.IsRegex)
            {
                regex = CompileRegex(literal, call.Arguments[literalIndex].Span);
                if (regex is null)
                {
                    return new BoundError(call.Span);
                }
            }
            else
            {
                string? unit = literal.Trim().ToLowerInvariant() switch
                {
                    "day" or "days" => "day",
                    "month" or "months" => "month",
                    "year" or "years" => "year",
                    _ => null,
                };
                if (unit is null)
                {
                    Error(DiagnosticIds.TypeMismatch, $"'{literal}' is not a date unit.", call.Arguments[literalIndex].Span, "Write 'day', 'month' or 'year'.");
                    return new BoundError(call.Span);
                }

                converted[literalIndex] = new BoundLiteral(LanguageType.Text, converted[literalIndex].Span, unit);
            }
        }

        return new BoundCall(chosen.Result, call.Span, chosen, converted) { Regex = regex };
    }

    private BoundExpression BindVariadic(CallSyntax call, FunctionDefinition function, List<BoundExpression> arguments)
    {
        if (arguments.Count == 0)
        {
            Error(DiagnosticIds.WrongArgumentCount, $"Function '{call.Name}' takes at least one argument.", call.Span, $"Usage: {call.Name}(a, b, …).");
            return new BoundError(call.Span);
        }

        LanguageType common = LanguageType.Null;
        for (int i = 0; i < arguments.Count; i++)
        {
            LanguageType? next = LanguageTypes.Common(common, arguments[i].Type);
            if (next is null || (function.Kind != FunctionKind.Coalesce && next == LanguageType.TextArray))
            {
                Error(DiagnosticIds.TypeMismatch, $"Argument {i + 1} of '{call.Name}' is {arguments[i].Type.WithArticle()} value, but an earlier one is {common.Display()}.", call.Arguments[i].Span, "All arguments must have the same type.");
                return new BoundError(call.Span);
            }

            common = next.Value;
        }

        return new BoundCall(common, call.Span, function, arguments.Select(a => ConvertTo(a, common)).ToList());
    }

    private BoundExpression BindCast(CastSyntax cast)
    {
        BoundExpression value = Bind(cast.Value);
        LanguageType? target = cast.TypeName switch
        {
            "INT" or "INTEGER" or "BIGINT" or "LONG" => LanguageType.Int,
            "DECIMAL" or "NUMERIC" => LanguageType.Decimal,
            "DOUBLE" or "FLOAT" or "REAL" => LanguageType.Double,
            "TEXT" or "VARCHAR" or "STRING" or "CHAR" => LanguageType.Text,
            "DATE" => LanguageType.Date,
            "TIMESTAMP" or "DATETIME" => LanguageType.Timestamp,
            "BOOL" or "BOOLEAN" => LanguageType.Bool,
            _ => null,
        };
        if (target is null)
        {
            Error(DiagnosticIds.TypeMismatch, $"'{cast.TypeName}' is not a type.", cast.TypeSpan, "Types: INT, DECIMAL, DOUBLE, TEXT, DATE, TIMESTAMP, BOOLEAN.");
            return new BoundError(cast.Span);
        }

        if (value.Type == LanguageType.Error)
        {
            return new BoundError(cast.Span);
        }

        if (!CastIsSupported(value.Type, target.Value))
        {
            return Mismatch(cast.Span, $"Cannot convert {value.Type.WithArticle()} value to {target.Value.Display()}.");
        }

        return value.Type == target ? value : new BoundConvert(target.Value, cast.Span, value, IsExplicit: true);
    }

    private static bool CastIsSupported(LanguageType from, LanguageType to) => from == to || from == LanguageType.Null || (from, to) switch
    {
        (_, LanguageType.Text) => from != LanguageType.TextArray,
        (LanguageType.Text, _) => to != LanguageType.TextArray,
        (LanguageType.Int or LanguageType.Decimal or LanguageType.Double, LanguageType.Int or LanguageType.Decimal or LanguageType.Double) => true,
        (LanguageType.Bool, LanguageType.Int) or (LanguageType.Int, LanguageType.Bool) => true,
        (LanguageType.Date, LanguageType.Timestamp) or (LanguageType.Timestamp, LanguageType.Date) => true,
        _ => false,
    };

    private Regex? CompileRegex(string pattern, TextSpan span)
    {
        if (!RegexDialect.TryTranslate(pattern, RegexTarget.DotNet, out string translated, out (string Message, int Offset)? refused))
        {
            Error(DiagnosticIds.InvalidRegex, string.Create(CultureInfo.InvariantCulture, $"{refused!.Value.Message} (at offset {refused.Value.Offset} of the pattern)"), span, "Patterns run on linear-time engines and mean the same in-process, on DuckDB and on PostgreSQL; docs/language.md (\"Regular expressions\") lists what they may use.");
            return null;
        }

        try
        {
            return new Regex(translated, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexConstructionTimeout);
        }
        catch (ArgumentException e) when (e is not RegexParseException)
        {
            Error(DiagnosticIds.InvalidRegex, "The pattern uses a construct the safe regex engine lacks (backreferences, lookarounds, atomic groups).", span, "Patterns run on a linear-time engine; rewrite without those constructs.");
            return null;
        }
        catch (NotSupportedException)
        {
            // Backreferences, lookarounds and atomic groups are refused by the dialect above: what is left is size.
            Error(DiagnosticIds.InvalidRegex, "The pattern is too large for the linear-time engine: nested repetitions such as '(a{1000}){1000}' unroll into millions of states.", span, "Use smaller counts, or '+' and '*' instead of large '{n}' counts.");
            return null;
        }
        catch (RegexParseException e)
        {
            Error(DiagnosticIds.InvalidRegex, string.Create(CultureInfo.InvariantCulture, $"The pattern is not a valid regular expression: {e.Error} at offset {e.Offset}."), span);
            return null;
        }
    }

    /// <summary>A text literal compared with a date or timestamp becomes that type, as in SQL: <c>filing_date &gt;= '2024-01-01'</c>.</summary>
    private BoundExpression CoerceTextLiteral(BoundExpression expression, LanguageType other)
    {
        if (expression is not BoundLiteral { Type: LanguageType.Text, Value: string text } || other is not (LanguageType.Date or LanguageType.Timestamp))
        {
            return expression;
        }

        if (other == LanguageType.Date && FieldValueParser.TryParseDate(text, out DateOnly date))
        {
            return new BoundLiteral(LanguageType.Date, expression.Span, date.DayNumber);
        }

        if (other == LanguageType.Timestamp && FieldValueParser.TryParseDateTime(text.Trim(), out DateTime timestamp))
        {
            return new BoundLiteral(LanguageType.Timestamp, expression.Span, timestamp.Ticks);
        }

        Error(DiagnosticIds.InvalidLiteral, $"'{text}' is not a valid {other.Display()}.", expression.Span, other == LanguageType.Date ? "Write dates as 'yyyy-MM-dd'." : "Write timestamps as 'yyyy-MM-dd HH:mm:ss'.");
        return new BoundError(expression.Span);
    }

    private static BoundExpression ConvertTo(BoundExpression expression, LanguageType target)
    {
        if (expression.Type == target || target == LanguageType.Error)
        {
            return expression;
        }

        if (expression is BoundLiteral literal)
        {
            object? value = literal.Value switch
            {
                null => null,
                long l when target == LanguageType.Decimal => (decimal)l,
                long l when target == LanguageType.Double => (double)l,
                decimal d when target == LanguageType.Double => (double)d,
                int day when target == LanguageType.Timestamp => DateOnly.FromDayNumber(day).ToDateTime(TimeOnly.MinValue).Ticks,
                _ => literal.Value,
            };
            return new BoundLiteral(target, literal.Span, value);
        }

        return new BoundConvert(target, expression.Span, expression, IsExplicit: false);
    }

    private static string? ComparisonHint(BoundExpression left, BoundExpression right) => (left.Type, right.Type) switch
    {
        // A number quoted as text: the quotes are the mistake, not their absence.
        (LanguageType.Text, LanguageType.Int or LanguageType.Decimal) or (LanguageType.Int or LanguageType.Decimal, LanguageType.Text)
            when left is BoundLiteral { Type: LanguageType.Text } || right is BoundLiteral { Type: LanguageType.Text } =>
            "Write a number without quotes (amount > 5000), or convert a text field with CAST(x AS DECIMAL).",
        (LanguageType.Text, LanguageType.Int or LanguageType.Decimal) or (LanguageType.Int or LanguageType.Decimal, LanguageType.Text) =>
            "Quote text values, or convert with CAST(x AS DECIMAL).",
        (LanguageType.Date, LanguageType.Int) or (LanguageType.Int, LanguageType.Date) => "Write a date as DATE '2024-01-31'.",
        (LanguageType.TextArray, _) or (_, LanguageType.TextArray) => "Test membership with array_contains(list, value).",
        _ => null,
    };

    private static string Usage(FunctionDefinition[] overloads) =>
        string.Join("; ", overloads.Select(o => $"{o.Name}({string.Join(", ", o.Parameters.Select(p => p.Display()))})"));


    private BoundError Mismatch(TextSpan span, string message, string? hint = null)
    {
        Error(DiagnosticIds.TypeMismatch, message, span, hint);
        return new BoundError(span);
    }

    private void Error(string id, string message, TextSpan span, string? hint = null) =>
        _diagnostics.Error(id, message, _source.Locate(span), hint, _ruleId);
}
