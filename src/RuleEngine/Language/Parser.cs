using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Records;

namespace RuleEngine.Language;

/// <summary>
/// Parses the condition language by recursive descent. Precedence, loosest first:
/// OR; AND; NOT; comparisons, IS, IN, BETWEEN, LIKE; ||; + -; * / %; unary minus; primaries.
/// </summary>
internal sealed class Parser
{
    private readonly ExpressionText _source;
    private readonly DiagnosticBag _diagnostics;
    private readonly LanguageLimits _limits;
    private readonly List<Token> _tokens;
    private int _index;
    private int _nesting;

    private Parser(ExpressionText source, DiagnosticBag diagnostics, LanguageLimits limits)
    {
        _source = source;
        _diagnostics = diagnostics;
        _limits = limits;
        _tokens = new Lexer(source, diagnostics).Tokenize();
    }

    private Token Current => _tokens[_index];

    /// <summary>Parses an expression; returns <see langword="null"/> when it has syntax errors (all reported).</summary>
    public static SyntaxNode? Parse(ExpressionText source, DiagnosticBag diagnostics, LanguageLimits limits)
    {
        if (source.Text.Length > limits.MaxExpressionLength)
        {
            diagnostics.Error(DiagnosticIds.ExpressionTooLong, $"The expression is {source.Text.Length} characters long; the limit is {limits.MaxExpressionLength}.", source.Locate(new TextSpan(0, 1)), "Split the rule, or move lists of values into a parameter.");
            return null;
        }

        int before = diagnostics.Count;
        var parser = new Parser(source, diagnostics, limits);
        if (diagnostics.Count > before)
        {
            return null;
        }

        if (parser.Current.Kind == TokenKind.End)
        {
            if (diagnostics.Count == before)
            {
                diagnostics.Error(DiagnosticIds.EmptyExpression, "The condition is empty.", source.Locate(new TextSpan(0, 0)), "Write a condition such as: amount >= 50000");
            }

            return null;
        }

        try
        {
            SyntaxNode node = parser.ParseExpression();
            if (parser.Current.Kind != TokenKind.End)
            {
                parser.Unexpected("the end of the condition, AND or OR");
            }

            return diagnostics.Count == before ? node : null;
        }
        catch (SyntaxAbortException)
        {
            return null;
        }
    }

    private SyntaxNode ParseExpression() => ParseLogical(isAnd: false);

    private SyntaxNode ParseLogical(bool isAnd)
    {
        SyntaxNode first = isAnd ? ParseNot() : ParseLogical(isAnd: true);
        string keyword = isAnd ? "AND" : "OR";
        if (!Current.IsKeyword(keyword))
        {
            return first;
        }

        var operands = new List<SyntaxNode> { first };
        int depth = first.Depth;
        while (Current.IsKeyword(keyword))
        {
            _index++;
            SyntaxNode next = isAnd ? ParseNot() : ParseLogical(isAnd: true);
            operands.Add(next);
            depth = Math.Max(depth, next.Depth);
        }

        return Checked(new LogicalSyntax(first.Span.Cover(operands[^1].Span), isAnd, operands) { Depth = depth + 1 });
    }

    private SyntaxNode ParseNot()
    {
        if (!Current.IsKeyword("NOT"))
        {
            return ParsePredicate();
        }

        Token not = Current;
        _index++;
        Enter();
        SyntaxNode operand = ParseNot();
        Leave();
        return Checked(new UnarySyntax(not.Span.Cover(operand.Span), UnaryOperator.Not, operand) { Depth = operand.Depth + 1 });
    }

    private SyntaxNode ParsePredicate()
    {
        SyntaxNode left = ParseConcat();
        Token token = Current;
        BinaryOperator? comparison = token.Kind switch
        {
            TokenKind.Equal => BinaryOperator.Equal,
            TokenKind.NotEqual => BinaryOperator.NotEqual,
            TokenKind.Less => BinaryOperator.Less,
            TokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
            TokenKind.Greater => BinaryOperator.Greater,
            TokenKind.GreaterOrEqual => BinaryOperator.GreaterOrEqual,
            _ => null,
        };
        if (comparison is { } op)
        {
            _index++;
            SyntaxNode right = ParseConcat();
            return Checked(new BinarySyntax(left.Span.Cover(right.Span), op, left, right, token.Span) { Depth = Math.Max(left.Depth, right.Depth) + 1 });
        }

        if (token.IsKeyword("IS"))
        {
            _index++;
            bool negated = Accept("NOT");
            Token nullToken = Expect("NULL", "NULL after IS");
            return new IsNullSyntax(left.Span.Cover(nullToken.Span), left, negated) { Depth = left.Depth + 1 };
        }

        bool not = false;
        if (token.IsKeyword("NOT") && _tokens[_index + 1] is { Kind: TokenKind.Keyword, Value: "IN" or "BETWEEN" or "LIKE" })
        {
            not = true;
            _index++;
        }

        if (Accept("IN"))
        {
            if (Current.Kind == TokenKind.Parameter)
            {
                Token list = _tokens[_index++];
                return new InSyntax(left.Span.Cover(list.Span), left, [new ParameterSyntax(list.Span, list.Value)], not) { Depth = left.Depth + 1 };
            }

            ExpectKind(TokenKind.LeftParen, "'(' or a $parameter after IN");
            var items = new List<SyntaxNode>();
            int depth = left.Depth;
            do
            {
                SyntaxNode item = ParseConcat();
                items.Add(item);
                depth = Math.Max(depth, item.Depth);
            }
            while (AcceptKind(TokenKind.Comma));

            Token close = ExpectKind(TokenKind.RightParen, "',' or ')' in the IN list");
            return Checked(new InSyntax(left.Span.Cover(close.Span), left, items, not) { Depth = depth + 1 });
        }

        if (Accept("BETWEEN"))
        {
            SyntaxNode low = ParseConcat();
            Expect("AND", "AND between the bounds of BETWEEN");
            SyntaxNode high = ParseConcat();
            return Checked(new BetweenSyntax(left.Span.Cover(high.Span), left, low, high, not) { Depth = Math.Max(left.Depth, Math.Max(low.Depth, high.Depth)) + 1 });
        }

        if (Accept("LIKE"))
        {
            SyntaxNode pattern = ParseConcat();
            return Checked(new LikeSyntax(left.Span.Cover(pattern.Span), left, pattern, not) { Depth = Math.Max(left.Depth, pattern.Depth) + 1 });
        }

        if (not)
        {
            Unexpected("IN, BETWEEN or LIKE after NOT");
        }

        return left;
    }

    private SyntaxNode ParseConcat() => ParseBinaryChain(ParseAdditive, static kind => kind == TokenKind.Concat ? BinaryOperator.Concat : null);

    private SyntaxNode ParseAdditive() => ParseBinaryChain(ParseMultiplicative, static kind => kind switch
    {
        TokenKind.Plus => BinaryOperator.Add,
        TokenKind.Minus => BinaryOperator.Subtract,
        _ => null,
    });

    private SyntaxNode ParseMultiplicative() => ParseBinaryChain(ParseUnary, static kind => kind switch
    {
        TokenKind.Star => BinaryOperator.Multiply,
        TokenKind.Slash => BinaryOperator.Divide,
        TokenKind.Percent => BinaryOperator.Modulo,
        _ => null,
    });

    private SyntaxNode ParseBinaryChain(Func<SyntaxNode> operand, Func<TokenKind, BinaryOperator?> classify)
    {
        SyntaxNode left = operand();
        while (classify(Current.Kind) is { } op)
        {
            Token token = Current;
            _index++;
            SyntaxNode right = operand();
            left = Checked(new BinarySyntax(left.Span.Cover(right.Span), op, left, right, token.Span) { Depth = Math.Max(left.Depth, right.Depth) + 1 });
        }

        return left;
    }

    private SyntaxNode ParseUnary()
    {
        Token token = Current;
        if (token.Kind is TokenKind.Minus or TokenKind.Plus)
        {
            _index++;
            Enter();
            SyntaxNode operand = ParseUnary();
            Leave();
            if (token.Kind == TokenKind.Minus && operand is LiteralSyntax { Kind: LiteralKind.Integer or LiteralKind.Decimal or LiteralKind.Double } literal)
            {
                return Negate(literal, token.Span.Cover(literal.Span));
            }

            UnaryOperator op = token.Kind == TokenKind.Minus ? UnaryOperator.Negate : UnaryOperator.Plus;
            return Checked(new UnarySyntax(token.Span.Cover(operand.Span), op, operand) { Depth = operand.Depth + 1 });
        }

        return ParsePrimary();
    }

    private SyntaxNode ParsePrimary()
    {
        Token token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
                _index++;
                if (long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long integer))
                {
                    return new LiteralSyntax(token.Span, LiteralKind.Integer, integer);
                }

                return DecimalLiteral(token);
            case TokenKind.Decimal:
                _index++;
                return DecimalLiteral(token);
            case TokenKind.Double:
                _index++;
                if (double.TryParse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double dbl) && double.IsFinite(dbl))
                {
                    return new LiteralSyntax(token.Span, LiteralKind.Double, dbl);
                }

                return InvalidLiteral(token, "number", "A number must be finite.");
            case TokenKind.Text:
                _index++;
                return new LiteralSyntax(token.Span, LiteralKind.Text, token.Value);
            case TokenKind.LeftParen:
                _index++;
                Enter();
                SyntaxNode inner = ParseExpression();
                Leave();
                Token close = ExpectKind(TokenKind.RightParen, "')'");
                return inner with { Span = token.Span.Cover(close.Span) };
            case TokenKind.Identifier:
            case TokenKind.QuotedIdentifier:
                return ParseNameOrCall();
            case TokenKind.Parameter:
                _index++;
                return new ParameterSyntax(token.Span, token.Value);
            case TokenKind.Keyword:
                return ParseKeywordPrimary(token);
            default:
                Unexpected("a value, a field or '('");
                return null!;
        }
    }

    private SyntaxNode ParseKeywordPrimary(Token token)
    {
        switch (token.Value)
        {
            case "NULL":
                _index++;
                return new LiteralSyntax(token.Span, LiteralKind.Null, null);
            case "TRUE":
            case "FALSE":
                _index++;
                return new LiteralSyntax(token.Span, LiteralKind.Bool, token.Value == "TRUE");
            case "DATE" when _tokens[_index + 1].Kind == TokenKind.LeftParen:
                // date(x): the calendar day of a timestamp, a function of the same name as the literal's keyword.
                return ParseNameOrCall();
            case "DATE":
            case "TIMESTAMP":
                _index++;
                Token text = ExpectKind(TokenKind.Text, $"a quoted {token.Value.ToLowerInvariant()} after {token.Value}, such as {(token.Value == "DATE" ? "DATE '2024-01-31'" : "TIMESTAMP '2024-01-31 08:30:00'")}");
                TextSpan span = token.Span.Cover(text.Span);
                if (token.Value == "DATE")
                {
                    return FieldValueParser.TryParseDate(text.Value, out DateOnly date) && text.Value.Trim().Length >= 8
                        ? new LiteralSyntax(span, LiteralKind.Date, date)
                        : InvalidLiteral(text, "date", "Write dates as DATE 'yyyy-MM-dd', for example DATE '2024-01-31'.");
                }

                return FieldValueParser.TryParseDateTime(text.Value.Trim(), out DateTime timestamp)
                    ? new LiteralSyntax(span, LiteralKind.Timestamp, timestamp)
                    : InvalidLiteral(text, "timestamp", "Write timestamps as TIMESTAMP 'yyyy-MM-dd HH:mm:ss'.");
            case "CASE":
                return ParseCase();
            case "CAST":
                return ParseCast();
            default:
                Unexpected("a value, a field or '('");
                return null!;
        }
    }

    private CaseSyntax ParseCase()
    {
        Token start = Current;
        _index++;
        Enter();
        SyntaxNode? operand = Current.IsKeyword("WHEN") ? null : ParseConcat();
        var branches = new List<(SyntaxNode, SyntaxNode)>();
        int depth = operand?.Depth ?? 0;
        while (Accept("WHEN"))
        {
            SyntaxNode when = ParseExpression();
            if (operand is not null)
            {
                when = new BinarySyntax(when.Span, BinaryOperator.Equal, operand, when, when.Span) { Depth = Math.Max(operand.Depth, when.Depth) + 1 };
            }

            Expect("THEN", "THEN after the WHEN condition");
            SyntaxNode then = ParseExpression();
            branches.Add((when, then));
            depth = Math.Max(depth, Math.Max(when.Depth, then.Depth));
        }

        if (branches.Count == 0)
        {
            Unexpected("WHEN");
        }

        SyntaxNode? otherwise = null;
        if (Accept("ELSE"))
        {
            otherwise = ParseExpression();
            depth = Math.Max(depth, otherwise.Depth);
        }

        Token end = Expect("END", "END to close CASE");
        Leave();
        return Checked(new CaseSyntax(start.Span.Cover(end.Span), branches, otherwise) { Depth = depth + 1 });
    }

    private CastSyntax ParseCast()
    {
        Token start = Current;
        _index++;
        ExpectKind(TokenKind.LeftParen, "'(' after CAST");
        Enter();
        SyntaxNode value = ParseExpression();
        Leave();
        Expect("AS", "AS and a type, as in CAST(amount AS DECIMAL)");
        Token type = Current;
        if (type.Kind is not (TokenKind.Identifier or TokenKind.Keyword))
        {
            Unexpected("a type name such as INT, DECIMAL, DOUBLE, TEXT, DATE, TIMESTAMP or BOOLEAN");
        }

        _index++;
        Token close = ExpectKind(TokenKind.RightParen, "')' to close CAST");
        return Checked(new CastSyntax(start.Span.Cover(close.Span), value, type.Value.ToUpperInvariant(), type.Span) { Depth = value.Depth + 1 });
    }

    private SyntaxNode ParseNameOrCall()
    {
        Token first = Current;
        _index++;
        if ((first.Kind == TokenKind.Identifier || first.IsKeyword("DATE")) && Current.Kind == TokenKind.LeftParen)
        {
            _index++;
            Enter();
            var arguments = new List<SyntaxNode>();
            int depth = 0;
            if (Current.Kind != TokenKind.RightParen)
            {
                do
                {
                    SyntaxNode argument = ParseExpression();
                    arguments.Add(argument);
                    depth = Math.Max(depth, argument.Depth);
                }
                while (AcceptKind(TokenKind.Comma));
            }

            Leave();
            Token close = ExpectKind(TokenKind.RightParen, "',' or ')' in the argument list");
            return Checked(new CallSyntax(first.Span.Cover(close.Span), first.Value.ToLowerInvariant(), first.Span, arguments) { Depth = depth + 1 });
        }

        var parts = new List<string> { first.Value };
        TextSpan span = first.Span;
        while (Current.Kind == TokenKind.Dot)
        {
            _index++;
            Token part = Current;
            if (part.Kind is not (TokenKind.Identifier or TokenKind.QuotedIdentifier or TokenKind.Keyword))
            {
                Unexpected("a field name after '.'");
            }

            _index++;
            parts.Add(part.Kind == TokenKind.Keyword ? _source.Slice(part.Span) : part.Value);
            span = span.Cover(part.Span);
        }

        return new NameSyntax(span, parts) { IsQuoted = first.Kind == TokenKind.QuotedIdentifier && parts.Count == 1 };
    }

    private LiteralSyntax DecimalLiteral(Token token)
    {
        if (decimal.TryParse(token.Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
        {
            return new LiteralSyntax(token.Span, LiteralKind.Decimal, value);
        }

        return InvalidLiteral(token, "number", "The number is too large; the largest exact number has 28 digits.");
    }

    private static LiteralSyntax Negate(LiteralSyntax literal, TextSpan span) => literal.Value switch
    {
        long l when l == long.MinValue => literal with { Span = span },
        long l => new LiteralSyntax(span, LiteralKind.Integer, -l),
        decimal d => new LiteralSyntax(span, LiteralKind.Decimal, -d),
        double d => new LiteralSyntax(span, LiteralKind.Double, -d),
        _ => literal,
    };

    private LiteralSyntax InvalidLiteral(Token token, string what, string hint)
    {
        // A string token keeps its quotes: shown as written, not quoted twice.
        string text = _source.Slice(token.Span);
        _diagnostics.Error(DiagnosticIds.InvalidLiteral, $"{(text.StartsWith('\'') ? text : $"'{text}'")} is not a valid {what}.", _source.Locate(token.Span), hint);
        return new LiteralSyntax(token.Span, LiteralKind.Null, null);
    }

    private T Checked<T>(T node)
        where T : SyntaxNode
    {
        if (node.Depth > _limits.MaxNestingDepth)
        {
            TooDeep(node.Span);
        }

        return node;
    }

    private void Enter()
    {
        if (++_nesting > _limits.MaxNestingDepth)
        {
            TooDeep(Current.Span);
        }
    }

    private void Leave() => _nesting--;

    private void TooDeep(TextSpan span)
    {
        _diagnostics.Error(DiagnosticIds.ExpressionTooDeep, $"The expression nests deeper than {_limits.MaxNestingDepth} levels.", _source.Locate(span), "Simplify the expression or split the rule.");
        throw new SyntaxAbortException();
    }

    private bool Accept(string keyword)
    {
        if (Current.IsKeyword(keyword))
        {
            _index++;
            return true;
        }

        return false;
    }

    private bool AcceptKind(TokenKind kind)
    {
        if (Current.Kind == kind)
        {
            _index++;
            return true;
        }

        return false;
    }

    private Token Expect(string keyword, string expected)
    {
        if (!Current.IsKeyword(keyword))
        {
            Unexpected(expected);
        }

        return _tokens[_index++];
    }

    private Token ExpectKind(TokenKind kind, string expected)
    {
        if (Current.Kind != kind)
        {
            Unexpected(expected);
        }

        return _tokens[_index++];
    }

    private void Unexpected(string expected)
    {
        Token token = Current;
        string found = token.Kind == TokenKind.End ? "the end of the condition" : $"'{_source.Slice(token.Span)}'";
        string? hint = token.Kind == TokenKind.QuotedIdentifier ? "Text literals take single quotes: 'text'; double quotes name a field." : null;
        if (token.IsKeyword("NOT"))
        {
            hint = "NOT goes before a condition (NOT x = 1) or before IN, BETWEEN or LIKE (x NOT IN (1, 2)).";
        }

        Token? before = _index > 0 ? _tokens[_index - 1] : null;
        if (before is { Kind: TokenKind.Equal } equal && equal.Span.End == token.Span.Start && token.Kind is TokenKind.Greater or TokenKind.Less)
        {
            hint = $"Write '{_source.Slice(token.Span)}=' (the comparison comes first), not '={_source.Slice(token.Span)}'.";
        }
        else if (before is { } list && list.IsKeyword("IN") && token.Kind is TokenKind.Text or TokenKind.Integer or TokenKind.Decimal or TokenKind.Double)
        {
            hint = $"The values go in parentheses: IN ({_source.Slice(token.Span)}).";
        }
        else if (token.Kind == TokenKind.Identifier && FunctionLibrary.TryGet(token.Value.ToLowerInvariant(), out _) && before is { Kind: TokenKind.Identifier or TokenKind.QuotedIdentifier } field)
        {
            hint = $"A function takes its arguments in parentheses: {token.Value}({_source.Slice(field.Span)}, …).";
        }

        _diagnostics.Error(DiagnosticIds.UnexpectedToken, $"Expected {expected} but found {found}.", _source.Locate(token.Span), hint);
        throw new SyntaxAbortException();
    }

    private sealed class SyntaxAbortException : Exception
    {
    }
}
