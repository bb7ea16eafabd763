using System.Text.RegularExpressions;
using RuleEngine.Schema;

namespace RuleEngine.Language;

/// <summary>A type-checked expression node, ready to compile.</summary>
internal abstract record BoundExpression(LanguageType Type, TextSpan Span);

internal sealed record BoundLiteral(LanguageType Type, TextSpan Span, object? Value) : BoundExpression(Type, Span);

/// <summary>A field of a record: <see cref="FieldIndex"/> in its schema, read from its typed slot in record <see cref="Source"/> of the context.</summary>
internal sealed record BoundField(LanguageType Type, TextSpan Span, int FieldIndex, FieldDefinition Field) : BoundExpression(Type, Span)
{
    public int Source { get; init; }
}

internal sealed record BoundUnary(LanguageType Type, TextSpan Span, UnaryOperator Operator, BoundExpression Operand) : BoundExpression(Type, Span);

/// <summary>Arithmetic, comparison or concatenation; both operands already converted to <see cref="OperandType"/>.</summary>
internal sealed record BoundBinary(LanguageType Type, TextSpan Span, BinaryOperator Operator, BoundExpression Left, BoundExpression Right, LanguageType OperandType) : BoundExpression(Type, Span);

internal sealed record BoundLogical(TextSpan Span, bool IsAnd, IReadOnlyList<BoundExpression> Operands) : BoundExpression(LanguageType.Bool, Span);

internal sealed record BoundIsNull(TextSpan Span, BoundExpression Operand, bool Negated) : BoundExpression(LanguageType.Bool, Span);

internal sealed record BoundIn(TextSpan Span, BoundExpression Value, IReadOnlyList<BoundExpression> Items, bool Negated) : BoundExpression(LanguageType.Bool, Span);

internal sealed record BoundLike(TextSpan Span, BoundExpression Value, BoundExpression Pattern, bool Negated) : BoundExpression(LanguageType.Bool, Span);

internal sealed record BoundCase(LanguageType Type, TextSpan Span, IReadOnlyList<(BoundExpression When, BoundExpression Then)> Branches, BoundExpression? Else) : BoundExpression(Type, Span);

internal sealed record BoundCall(LanguageType Type, TextSpan Span, FunctionDefinition Function, IReadOnlyList<BoundExpression> Arguments) : BoundExpression(Type, Span)
{
    /// <summary>Gets the compiled regex of a regex function whose pattern is a literal.</summary>
    public Regex? Regex { get; init; }
}

/// <summary>A conversion: implicit (a promotion the binder inserted) or an explicit CAST.</summary>
internal sealed record BoundConvert(LanguageType Type, TextSpan Span, BoundExpression Operand, bool IsExplicit) : BoundExpression(Type, Span);

/// <summary>A node that failed to bind; its diagnostic is already reported and it stops cascades.</summary>
internal sealed record BoundError(TextSpan Span) : BoundExpression(LanguageType.Error, Span);
