using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RuleEngine.Scripting.Compilation;

/// <summary>
/// Puts the budget into a script: a step at the top of every loop body, a counted and depth-checked entry (and an
/// exit in <c>finally</c>) around every local function and lambda, a length check on every array size, a filter on
/// every <c>catch</c> so the script cannot catch the exception that stops it, and a condition on every
/// <c>finally</c> so a tripped budget skips it. Straight-line code is held to the allocation budget too: every value
/// a method call, an object creation or a text concatenation returns passes through a step (which checks the bytes
/// allocated), and a count, capacity or width a call is asked for is checked before the call allocates it.
/// Inserted code never contains a line break, so line numbers in stack traces still point at the author's lines.
/// </summary>
internal sealed class BudgetRewriter(SemanticModel model) : CSharpSyntaxRewriter
{
    private const string Guard = ScriptSource.GuardName;

    public static SyntaxNode Rewrite(SyntaxNode root, SemanticModel model)
    {
        MethodDeclarationSyntax entry = root.DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == ScriptSource.EntryPoint);
        var rewriter = new BudgetRewriter(model);

        // The prologue that declares the record view and the guard is the engine's, not the author's: left as it is.
        BlockSyntax body = entry.Body!;
        return root.ReplaceNode(body, body.WithStatements(SyntaxFactory.List(body.Statements.Select(statement => IsPrologue(statement) ? statement : (StatementSyntax)rewriter.Visit(statement)))));
    }

    /// <summary>Inserts the budgets into a submission of an interactive session, all of which is the author's.</summary>
    public static SyntaxNode RewriteSubmission(SyntaxNode root, SemanticModel model) => new BudgetRewriter(model).Visit(root);

    private static bool IsPrologue(StatementSyntax statement) =>
        statement is LocalDeclarationStatementSyntax declaration
        && declaration.Declaration.Variables.Any(v => v.Identifier.ValueText is "r" or Guard);

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

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        // A submission's methods (a rule script's are local functions), counted the same way.
        bool returnsVoid = node.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword };
        var visited = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
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

    /// <summary>
    /// <c>finally { body }</c> becomes <c>finally { if (guard.Proceed) { body } }</c>: a finally block that cannot end
    /// (<c>while (true) { }</c>) and left by the budget's exception while another exception was unwinding crashed the
    /// runtime (SIGSEGV, issue #18); the condition, which the compiler cannot fold, gives every finally block a normal
    /// end, and a tripped budget skips the body altogether.
    /// </summary>
    public override SyntaxNode? VisitFinallyClause(FinallyClauseSyntax node)
    {
        var visited = (FinallyClauseSyntax)base.VisitFinallyClause(node)!;
        return visited.WithBlock(SyntaxFactory.Block(SyntaxFactory.IfStatement(SyntaxFactory.ParseExpression($"{Guard}.Proceed"), visited.Block)));
    }

    public override SyntaxNode? VisitArrayRankSpecifier(ArrayRankSpecifierSyntax node)
    {
        var visited = (ArrayRankSpecifierSyntax)base.VisitArrayRankSpecifier(node)!;
        return visited.WithSizes(SyntaxFactory.SeparatedList(visited.Sizes.Select(size => size is OmittedArraySizeExpressionSyntax
            ? size
            : SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression($"{Guard}.Length"), SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(size)))))));
    }

    public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
    {
        IMethodSymbol? method = model.GetSymbolInfo(node).Symbol as IMethodSymbol;
        var visited = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
        if (method is null)
        {
            return visited; // nameof(…), or a call the gate refused
        }

        visited = visited.WithArgumentList(CheckedSizes(node.ArgumentList, visited.ArgumentList, method));
        if (method.ReturnsVoid || method.ReturnsByRef || method.ReturnsByRefReadonly || node.Expression is MemberBindingExpressionSyntax)
        {
            // Void calls hand back nothing to check; a call inside ?. is checked with the whole conditional access.
            return visited;
        }

        return Checked(visited);
    }

    public override SyntaxNode? VisitConditionalAccessExpression(ConditionalAccessExpressionSyntax node)
    {
        var visited = (ConditionalAccessExpressionSyntax)base.VisitConditionalAccessExpression(node)!;
        bool producesValue = model.GetTypeInfo(node).Type is { SpecialType: not SpecialType.System_Void };
        return producesValue && node.WhenNotNull.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any() && node.Parent is not ConditionalAccessExpressionSyntax
            ? Checked(visited)
            : visited;
    }

    public override SyntaxNode? VisitObjectCreationExpression(ObjectCreationExpressionSyntax node)
    {
        IMethodSymbol? constructor = model.GetSymbolInfo(node).Symbol as IMethodSymbol;
        var visited = (ObjectCreationExpressionSyntax)base.VisitObjectCreationExpression(node)!;
        if (constructor is not null && node.ArgumentList is { } arguments)
        {
            visited = visited.WithArgumentList(CheckedSizes(arguments, visited.ArgumentList!, constructor));
        }

        return Checked(visited);
    }

    public override SyntaxNode? VisitImplicitObjectCreationExpression(ImplicitObjectCreationExpressionSyntax node)
    {
        // Target-typed (new(…)): it cannot pass through a generic check, but its sizes are checked.
        IMethodSymbol? constructor = model.GetSymbolInfo(node).Symbol as IMethodSymbol;
        var visited = (ImplicitObjectCreationExpressionSyntax)base.VisitImplicitObjectCreationExpression(node)!;
        return constructor is null ? visited : visited.WithArgumentList(CheckedSizes(node.ArgumentList, visited.ArgumentList, constructor));
    }

    public override SyntaxNode? VisitBinaryExpression(BinaryExpressionSyntax node)
    {
        var visited = (BinaryExpressionSyntax)base.VisitBinaryExpression(node)!;
        return node.IsKind(SyntaxKind.AddExpression) && IsText(node) && !model.GetConstantValue(node).HasValue ? Checked(visited) : visited;
    }

    public override SyntaxNode? VisitAssignmentExpression(AssignmentExpressionSyntax node)
    {
        var visited = (AssignmentExpressionSyntax)base.VisitAssignmentExpression(node)!;
        return node.IsKind(SyntaxKind.AddAssignmentExpression) && IsText(node) ? Checked(visited) : visited;
    }

    /// <summary><c>guard.Checked(expression)</c>, with the expression's trivia kept outside.</summary>
    private static ExpressionSyntax Checked(ExpressionSyntax expression) =>
        SyntaxFactory.InvocationExpression(
                SyntaxFactory.ParseExpression($"{Guard}.Checked"),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(expression.WithoutTrivia()))))
            .WithLeadingTrivia(expression.GetLeadingTrivia())
            .WithTrailingTrivia(expression.GetTrailingTrivia());

    /// <summary>The names .NET gives parameters that say how much a call should allocate.</summary>
    private static readonly HashSet<string> SizeParameters = new(StringComparer.Ordinal) { "count", "capacity", "totalWidth", "repeatCount", "length", "minimumLength", "size" };

    /// <summary>Wraps each integer argument bound to a size parameter (<c>count</c>, <c>capacity</c>, <c>totalWidth</c>…) in <c>guard.Size(…)</c>.</summary>
    private static ArgumentListSyntax CheckedSizes(ArgumentListSyntax original, ArgumentListSyntax visited, IMethodSymbol method)
    {
        SeparatedSyntaxList<ArgumentSyntax> arguments = visited.Arguments;
        for (int i = 0; i < original.Arguments.Count; i++)
        {
            ArgumentSyntax argument = original.Arguments[i];
            IParameterSymbol? parameter = argument.NameColon is { } name
                ? method.Parameters.FirstOrDefault(p => p.Name == name.Name.Identifier.ValueText)
                : i < method.Parameters.Length && !method.Parameters[i].IsParams ? method.Parameters[i] : null;
            if (parameter is { RefKind: RefKind.None, Type.SpecialType: SpecialType.System_Int32 or SpecialType.System_Int64 } && argument.RefKindKeyword.IsKind(SyntaxKind.None) && SizeParameters.Contains(parameter.Name))
            {
                ExpressionSyntax value = arguments[i].Expression;
                arguments = arguments.Replace(arguments[i], arguments[i].WithExpression(
                    SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression($"{Guard}.Size"), SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(value.WithoutTrivia()))))
                        .WithTriviaFrom(value)));
            }
        }

        return visited.WithArguments(arguments);
    }

    private bool IsText(ExpressionSyntax expression) => model.GetTypeInfo(expression).Type?.SpecialType == SpecialType.System_String;

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
