using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RuleEngine.Scripting.Compilation;

/// <summary>
/// Puts the budget into a script that can loop or call: a step at the top of every loop body, a counted and
/// depth-checked entry (and an exit in <c>finally</c>) around every local function and lambda, a length check on
/// every array size, and a filter on every <c>catch</c> so the script cannot catch the exception that stops it.
/// Inserted code never contains a line break, so line numbers in stack traces still point at the author's lines.
/// </summary>
internal sealed class BudgetRewriter(SemanticModel model) : CSharpSyntaxRewriter
{
    private const string Guard = ScriptSource.GuardName;

    public static SyntaxNode Rewrite(SyntaxNode root, SemanticModel model)
    {
        MethodDeclarationSyntax entry = root.DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == ScriptSource.EntryPoint);
        return root.ReplaceNode(entry.Body!, new BudgetRewriter(model).Visit(entry.Body!));
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node) => Stepped(base.VisitWhileStatement(node));

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node) => Stepped(base.VisitDoStatement(node));

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node) => Stepped(base.VisitForStatement(node));

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node) => Stepped(base.VisitForEachStatement(node));

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node) => Stepped(base.VisitForEachVariableStatement(node));

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        bool returnsVoid = node.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword };
        var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        BlockSyntax body = Counted(visited.Body, visited.ExpressionBody?.Expression, returnsVoid);
        return visited.WithExpressionBody(null).WithSemicolonToken(default).WithBody(body);
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        bool returnsVoid = ReturnsVoid(node);
        var visited = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        return visited.WithExpressionBody(null).WithBlock(Counted(visited.Block, visited.ExpressionBody, returnsVoid));
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        bool returnsVoid = ReturnsVoid(node);
        var visited = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        return visited.WithExpressionBody(null).WithBlock(Counted(visited.Block, visited.ExpressionBody, returnsVoid));
    }

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node)
    {
        var visited = (AnonymousMethodExpressionSyntax)base.VisitAnonymousMethodExpression(node)!;
        return visited.WithBlock(Counted(visited.Block, null, returnsVoid: true));
    }

    public override SyntaxNode? VisitCatchClause(CatchClauseSyntax node)
    {
        var visited = (CatchClauseSyntax)base.VisitCatchClause(node)!;
        ExpressionSyntax guard = SyntaxFactory.ParseExpression($"{Guard}.CanCatch");
        ExpressionSyntax condition = visited.Filter is { } filter
            ? SyntaxFactory.BinaryExpression(SyntaxKind.LogicalAndExpression, guard, SyntaxFactory.ParenthesizedExpression(filter.FilterExpression))
            : guard;
        return visited.WithFilter(SyntaxFactory.CatchFilterClause(condition));
    }

    public override SyntaxNode? VisitArrayRankSpecifier(ArrayRankSpecifierSyntax node)
    {
        var visited = (ArrayRankSpecifierSyntax)base.VisitArrayRankSpecifier(node)!;
        return visited.WithSizes(SyntaxFactory.SeparatedList(visited.Sizes.Select(size => size is OmittedArraySizeExpressionSyntax
            ? size
            : SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression($"{Guard}.Length"), SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(size)))))));
    }

    /// <summary>A loop whose body counts a step first.</summary>
    private static SyntaxNode? Stepped(SyntaxNode? loop) => loop switch
    {
        WhileStatementSyntax l => l.WithStatement(Stepped(l.Statement)),
        DoStatementSyntax l => l.WithStatement(Stepped(l.Statement)),
        ForStatementSyntax l => l.WithStatement(Stepped(l.Statement)),
        CommonForEachStatementSyntax l => l.WithStatement(Stepped(l.Statement)),
        _ => loop,
    };

    private static StatementSyntax Stepped(StatementSyntax body) =>
        SyntaxFactory.Block(SyntaxFactory.ParseStatement($"{Guard}.Step();"), body);

    /// <summary><c>{ guard.Enter(); try { body } finally { guard.Exit(); } }</c>.</summary>
    private static BlockSyntax Counted(BlockSyntax? block, ExpressionSyntax? expression, bool returnsVoid)
    {
        BlockSyntax body = block ?? SyntaxFactory.Block(returnsVoid
            ? SyntaxFactory.ExpressionStatement(expression!)
            : SyntaxFactory.ReturnStatement(SyntaxFactory.Token(SyntaxKind.ReturnKeyword).WithTrailingTrivia(SyntaxFactory.Space), expression!, SyntaxFactory.Token(SyntaxKind.SemicolonToken)));
        return SyntaxFactory.Block(
            SyntaxFactory.ParseStatement($"{Guard}.Enter();"),
            SyntaxFactory.TryStatement(body, default, SyntaxFactory.FinallyClause(SyntaxFactory.Block(SyntaxFactory.ParseStatement($"{Guard}.Exit();")))));
    }

    private bool ReturnsVoid(LambdaExpressionSyntax lambda) =>
        lambda.Block is not null || model.GetSymbolInfo(lambda).Symbol is not IMethodSymbol { ReturnsVoid: false };
}
