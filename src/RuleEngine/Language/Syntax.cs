namespace RuleEngine.Language;

/// <summary>A node of the parsed (not yet type-checked) expression. <see cref="Depth"/> bounds later recursion.</summary>
internal abstract record SyntaxNode(TextSpan Span)
{
    public int Depth { get; init; } = 1;
}

internal enum LiteralKind
{
    Null,
    Bool,
    Integer,
    Decimal,
    Double,
    Text,
    Date,
    Timestamp,
}

internal sealed record LiteralSyntax(TextSpan Span, LiteralKind Kind, object? Value) : SyntaxNode(Span);

internal sealed record NameSyntax(TextSpan Span, IReadOnlyList<string> Parts) : SyntaxNode(Span)
{
    public string Dotted => string.Join('.', Parts);

    /// <summary>Gets a value indicating whether the name was written in double quotes ("案由").</summary>
    public bool IsQuoted { get; init; }
}

/// <summary>A <c>$name</c> parameter, replaced by its value when the rule is bound.</summary>
internal sealed record ParameterSyntax(TextSpan Span, string Name) : SyntaxNode(Span);

internal enum UnaryOperator
{
    Negate,
    Plus,
    Not,
}

internal sealed record UnarySyntax(TextSpan Span, UnaryOperator Operator, SyntaxNode Operand) : SyntaxNode(Span);

internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Concat,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

internal static class BinaryOperators
{
    public static string Symbol(this BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "%",
        BinaryOperator.Concat => "||",
        BinaryOperator.Equal => "=",
        BinaryOperator.NotEqual => "<>",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        _ => ">=",
    };
}

internal sealed record BinarySyntax(TextSpan Span, BinaryOperator Operator, SyntaxNode Left, SyntaxNode Right, TextSpan OperatorSpan) : SyntaxNode(Span);

/// <summary>An n-ary AND or OR, kept flat so long conjunctions never nest deeply.</summary>
internal sealed record LogicalSyntax(TextSpan Span, bool IsAnd, IReadOnlyList<SyntaxNode> Operands) : SyntaxNode(Span);

internal sealed record BetweenSyntax(TextSpan Span, SyntaxNode Value, SyntaxNode Low, SyntaxNode High, bool Negated) : SyntaxNode(Span);

internal sealed record InSyntax(TextSpan Span, SyntaxNode Value, IReadOnlyList<SyntaxNode> Items, bool Negated) : SyntaxNode(Span);

internal sealed record LikeSyntax(TextSpan Span, SyntaxNode Value, SyntaxNode Pattern, bool Negated) : SyntaxNode(Span);

internal sealed record IsNullSyntax(TextSpan Span, SyntaxNode Value, bool Negated) : SyntaxNode(Span);

internal sealed record CaseSyntax(TextSpan Span, IReadOnlyList<(SyntaxNode When, SyntaxNode Then)> Branches, SyntaxNode? Else) : SyntaxNode(Span);

internal sealed record CallSyntax(TextSpan Span, string Name, TextSpan NameSpan, IReadOnlyList<SyntaxNode> Arguments) : SyntaxNode(Span);

internal sealed record CastSyntax(TextSpan Span, SyntaxNode Value, string TypeName, TextSpan TypeSpan) : SyntaxNode(Span);
