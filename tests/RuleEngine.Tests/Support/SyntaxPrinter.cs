using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Language;

namespace RuleEngine.Tests.Support;

/// <summary>Prints a syntax tree as an S-expression, so tests can state precedence plainly.</summary>
internal static class SyntaxPrinter
{
    public static string Parse(string expression)
    {
        var diagnostics = new DiagnosticBag();
        SyntaxNode? node = Parser.Parse(new ExpressionText(expression, SourceLocation.None), diagnostics, LanguageLimits.Default);
        Assert.True(node is not null, string.Join("\n", diagnostics.Items));
        return Print(node!);
    }

    public static string Print(SyntaxNode node) => node switch
    {
        LiteralSyntax { Kind: LiteralKind.Null } => "NULL",
        LiteralSyntax { Kind: LiteralKind.Text } l => $"'{l.Value}'",
        LiteralSyntax { Kind: LiteralKind.Date } l => $"DATE {((DateOnly)l.Value!).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
        LiteralSyntax { Kind: LiteralKind.Timestamp } l => $"TIMESTAMP {((DateTime)l.Value!).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}",
        LiteralSyntax { Kind: LiteralKind.Bool } l => (bool)l.Value! ? "TRUE" : "FALSE",
        LiteralSyntax l => Convert.ToString(l.Value, CultureInfo.InvariantCulture)!,
        NameSyntax n => n.Dotted,
        UnarySyntax u => $"({(u.Operator == UnaryOperator.Not ? "NOT" : u.Operator == UnaryOperator.Negate ? "-" : "+")} {Print(u.Operand)})",
        BinarySyntax b => $"({b.Operator.Symbol()} {Print(b.Left)} {Print(b.Right)})",
        LogicalSyntax l => $"({(l.IsAnd ? "AND" : "OR")} {string.Join(" ", l.Operands.Select(Print))})",
        BetweenSyntax b => $"({(b.Negated ? "NOT BETWEEN" : "BETWEEN")} {Print(b.Value)} {Print(b.Low)} {Print(b.High)})",
        InSyntax i => $"({(i.Negated ? "NOT IN" : "IN")} {Print(i.Value)} [{string.Join(", ", i.Items.Select(Print))}])",
        LikeSyntax l => $"({(l.Negated ? "NOT LIKE" : "LIKE")} {Print(l.Value)} {Print(l.Pattern)})",
        IsNullSyntax n => $"({(n.Negated ? "IS NOT NULL" : "IS NULL")} {Print(n.Value)})",
        CaseSyntax c => $"(CASE {string.Join(" ", c.Branches.Select(b => $"(WHEN {Print(b.When)} {Print(b.Then)})"))}{(c.Else is null ? string.Empty : $" (ELSE {Print(c.Else)})")})",
        CallSyntax c => $"{c.Name}({string.Join(", ", c.Arguments.Select(Print))})",
        CastSyntax c => $"(CAST {Print(c.Value)} AS {c.TypeName})",
        _ => throw new ArgumentException(node.GetType().Name),
    };

}
