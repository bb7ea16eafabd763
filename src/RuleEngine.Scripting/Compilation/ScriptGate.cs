using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace RuleEngine.Scripting.Compilation;

/// <summary>
/// The gate a script passes before it is emitted: banned language features by syntax, then every symbol the script
/// uses — named or implicit (<c>foreach</c>, deconstruction, operators, conversions, string interpolation) — checked
/// against the <see cref="AllowList"/> on Roslyn's semantic model. Symbols the author declared (locals, local
/// functions, lambdas) are the author's; generated code other than the record view and the parameters is reserved.
/// </summary>
internal sealed class ScriptGate
{
    private readonly SemanticModel _model;
    private readonly IReadOnlyDictionary<string, string> _properties;
    private readonly Func<IAssemblySymbol?, SymbolOrigin> _origin;
    private readonly AllowList _allowList;
    private readonly Action<string, string, TextSpan, string?> _report;
    private readonly TextSpan[] _userSpans;
    private readonly HashSet<int> _reported = [];
    private readonly List<(TextSpan Span, string Message)> _reportedMessages = [];
    private readonly Dictionary<ITypeSymbol, bool> _checkedTypes = new(SymbolEqualityComparer.Default);

    /// <summary>The namespaces of the script's own generated code and of its record view; another script's, compiled beside it, is off limits.</summary>
    private readonly string[]? _namespaces;

    private ScriptGate(SemanticModel model, IEnumerable<TextSpan> userSpans, IReadOnlyDictionary<string, string> properties, Func<IAssemblySymbol?, SymbolOrigin> origin, AllowList allowList, Action<string, string, TextSpan, string?> report, string[]? ownNamespaces = null)
    {
        _namespaces = ownNamespaces;
        _model = model;
        _properties = properties;
        _origin = origin;
        _allowList = allowList;
        _report = report;
        _userSpans = [.. userSpans];
    }

    /// <summary>Where a symbol a script uses was declared, which decides how it is checked.</summary>
    internal enum SymbolOrigin
    {
        /// <summary>A referenced assembly: the allow-list decides.</summary>
        Library,

        /// <summary>Code the engine generated around the script: only the record view and the parameters.</summary>
        Generated,

        /// <summary>The author's own earlier code (a session's previous submissions), which passed the gate itself.</summary>
        Author,
    }

    /// <summary>Gets the fields of the record the script reads.</summary>
    public SortedSet<string> FieldsRead { get; } = new(StringComparer.Ordinal);

    /// <summary>Checks the script; reports each problem through <paramref name="report"/> (code, message, generated span, hint).</summary>
    /// <param name="model">The semantic model of the script's tree, in a compilation that may hold other scripts.</param>
    /// <param name="source">The script's generated file: its own record view and parameters are the generated code it may use.</param>
    /// <param name="allowList">What the script may call.</param>
    /// <param name="report">Receives each problem.</param>
    public static ScriptGate Check(SemanticModel model, ScriptSource source, AllowList allowList, Action<string, string, TextSpan, string?> report)
    {
        IAssemblySymbol scripts = model.Compilation.Assembly;
        var gate = new ScriptGate(model, source.UserSpans, source.Properties, a => SymbolEqualityComparer.Default.Equals(a, scripts) ? SymbolOrigin.Generated : SymbolOrigin.Library, allowList, report, [source.Namespace, source.View.Namespace]);
        gate.Run(model.SyntaxTree.GetRoot());
        return gate;
    }

    /// <summary>
    /// Checks one submission of an interactive session: all of its text is the author's; symbols of the session's
    /// preamble are generated code (the record view, the parameters and <c>r</c>), those of its earlier submissions the
    /// author's.
    /// </summary>
    public static ScriptGate CheckSubmission(CSharpCompilation compilation, SyntaxTree tree, string preambleAssembly, IReadOnlyDictionary<string, string> properties, AllowList allowList, Action<string, string, TextSpan, string?> report)
    {
        SymbolOrigin Origin(IAssemblySymbol? assembly) =>
            assembly is null ? SymbolOrigin.Library
            : assembly.Name == preambleAssembly ? SymbolOrigin.Generated
            : SymbolEqualityComparer.Default.Equals(assembly, compilation.Assembly) || assembly.IsInteractive ? SymbolOrigin.Author
            : SymbolOrigin.Library;

        var gate = new ScriptGate(compilation.GetSemanticModel(tree), [tree.GetRoot().FullSpan], properties, Origin, allowList, report);
        gate.Run(tree.GetRoot());
        return gate;
    }

    private bool InUserCode(TextSpan span) => Array.Exists(_userSpans, s => s.Contains(span));

    private void Run(SyntaxNode root)
    {
        var nodes = root.DescendantNodes().Where(n => InUserCode(n.Span)).ToList();
        foreach (SyntaxToken token in root.DescendantTokens().Where(t => InUserCode(t.Span)))
        {
            CheckToken(token);
        }

        foreach (SyntaxNode node in nodes)
        {
            CheckSyntax(node);
        }

        foreach (SyntaxNode node in nodes)
        {
            CheckSemantics(node);
        }

        // The operations, implicit ones included (foreach's enumerator, conversions), under each piece of code that runs:
        // the entry method's body of a rule script; each statement, method and field initialiser of a submission.
        IEnumerable<SyntaxNode> bodies = root.DescendantNodes().OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.ValueText == ScriptSource.EntryPoint) is { Body: { } body }
            ? [body]
            : ((CompilationUnitSyntax)root).Members.SelectMany(m => m switch
            {
                GlobalStatementSyntax statement => [statement.Statement],
                MethodDeclarationSyntax method => [method],
                FieldDeclarationSyntax field => field.Declaration.Variables.Where(v => v.Initializer is not null).Select(v => (SyntaxNode)v.Initializer!),
                _ => [],
            });
        foreach (SyntaxNode code in bodies)
        {
            if (_model.GetOperation(code) is { } operation)
            {
                foreach (IOperation child in operation.DescendantsAndSelf().Where(o => InUserCode(o.Syntax.Span)))
                {
                    CheckOperation(child);
                }
            }
        }
    }

    private void CheckToken(SyntaxToken token)
    {
        if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText.StartsWith(ScriptSource.ReservedPrefix, StringComparison.Ordinal))
        {
            Report(ScriptDiagnosticIds.ReservedName, $"'{token.ValueText}' is reserved for generated code.", token.Span, "Choose a name that does not start with '__re'.");
        }

        string? feature = token.Kind() switch
        {
            SyntaxKind.ExternKeyword => "'extern' (calls into native code)",
            SyntaxKind.UnsafeKeyword => "'unsafe'",
            _ => null,
        };
        if (feature is not null)
        {
            Report(ScriptDiagnosticIds.UnsafeCodeNotAllowed, $"Scripts cannot use {feature}.", token.Span, null);
        }

        if (token.IsKind(SyntaxKind.AsyncKeyword) && token.Parent is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
        {
            Report(ScriptDiagnosticIds.FeatureNotAllowed, "Scripts cannot be asynchronous: a rule decides on one record, now.", token.Span, null);
        }
    }

    private void CheckSyntax(SyntaxNode node)
    {
        (string Code, string What, string? Hint)? ban = node.Kind() switch
        {
            SyntaxKind.UnsafeStatement or SyntaxKind.FixedStatement or SyntaxKind.PointerType or SyntaxKind.FunctionPointerType
                or SyntaxKind.PointerIndirectionExpression or SyntaxKind.PointerMemberAccessExpression or SyntaxKind.AddressOfExpression
                => (ScriptDiagnosticIds.UnsafeCodeNotAllowed, "unsafe code or pointers", null),
            SyntaxKind.StackAllocArrayCreationExpression or SyntaxKind.ImplicitStackAllocArrayCreationExpression
                => (ScriptDiagnosticIds.UnsafeCodeNotAllowed, "'stackalloc' (a large one overflows the stack and kills the process)", "Use a List or an array."),
            SyntaxKind.AttributeList => (ScriptDiagnosticIds.UnsafeCodeNotAllowed, "attributes", null),
            SyntaxKind.LockStatement => (ScriptDiagnosticIds.FeatureNotAllowed, "'lock'", "A rule evaluates one record on one thread; it needs no locks."),
            SyntaxKind.GotoStatement or SyntaxKind.GotoCaseStatement or SyntaxKind.GotoDefaultStatement or SyntaxKind.LabeledStatement
                => (ScriptDiagnosticIds.FeatureNotAllowed, "'goto' or labels", "Use a loop."),
            SyntaxKind.YieldReturnStatement or SyntaxKind.YieldBreakStatement => (ScriptDiagnosticIds.FeatureNotAllowed, "iterators ('yield')", "Build a List instead."),
            SyntaxKind.AwaitExpression => (ScriptDiagnosticIds.FeatureNotAllowed, "'await'", null),
            SyntaxKind.UsingStatement => (ScriptDiagnosticIds.FeatureNotAllowed, "'using' statements", null),
            SyntaxKind.LocalDeclarationStatement when ((LocalDeclarationStatementSyntax)node).UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                => (ScriptDiagnosticIds.FeatureNotAllowed, "'using' declarations", null),
            SyntaxKind.QueryExpression => (ScriptDiagnosticIds.FeatureNotAllowed, "query syntax ('from ... select')", "Use method syntax: items.Where(x => ...).Select(x => ...)."),
            SyntaxKind.UncheckedExpression or SyntaxKind.UncheckedStatement
                => (ScriptDiagnosticIds.FeatureNotAllowed, "'unchecked' arithmetic", "Arithmetic is checked: an overflow makes the rule NotEvaluated for the record, never a wrong answer."),
            SyntaxKind.ArgListExpression or SyntaxKind.MakeRefExpression or SyntaxKind.RefTypeExpression or SyntaxKind.RefValueExpression
                => (ScriptDiagnosticIds.FeatureNotAllowed, "'__arglist' or '__makeref'", null),
            _ => null,
        };
        if (ban is { } b)
        {
            Report(b.Code, $"Scripts cannot use {b.What}.", node.Span, b.Hint);
        }
    }

    private void CheckSemantics(SyntaxNode node)
    {
        switch (node)
        {
            case CommonForEachStatementSyntax loop:
                ForEachStatementInfo info = _model.GetForEachStatementInfo(loop);
                CheckSymbol(info.GetEnumeratorMethod, loop.Expression);
                CheckSymbol(info.MoveNextMethod, loop.Expression);
                CheckSymbol(info.CurrentProperty, loop.Expression);
                CheckSymbol(info.DisposeMethod, loop.Expression);
                CheckType(info.ElementType, loop.Expression);
                break;
            case AssignmentExpressionSyntax assignment when assignment.Left is TupleExpressionSyntax or DeclarationExpressionSyntax:
                CheckDeconstruction(_model.GetDeconstructionInfo(assignment), assignment);
                break;
        }

        if (node is ExpressionSyntax or TypeSyntax)
        {
            SymbolInfo symbol = _model.GetSymbolInfo(node);
            CheckSymbol(symbol.Symbol ?? symbol.CandidateSymbols.FirstOrDefault(), node);
            TypeInfo type = _model.GetTypeInfo(node);
            CheckType(type.Type, node);
            CheckType(type.ConvertedType, node);
        }
        else if (_model.GetDeclaredSymbol(node) is { } declared)
        {
            CheckDeclared(declared, node);
        }
    }

    private void CheckDeconstruction(DeconstructionInfo info, SyntaxNode at)
    {
        CheckSymbol(info.Method, at);
        CheckSymbol(info.Conversion?.MethodSymbol, at);
        foreach (DeconstructionInfo nested in info.Nested)
        {
            CheckDeconstruction(nested, at);
        }
    }

    private void CheckDeclared(ISymbol symbol, SyntaxNode at)
    {
        switch (symbol)
        {
            case ILocalSymbol local:
                CheckType(local.Type, at);
                break;
            case IParameterSymbol parameter:
                CheckType(parameter.Type, at);
                break;
            case IMethodSymbol method:
                CheckType(method.ReturnType, at);
                break;
        }
    }

    private void CheckOperation(IOperation operation)
    {
        SyntaxNode at = operation.Syntax;
        switch (operation)
        {
            case IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation:
                Report(ScriptDiagnosticIds.DynamicCodeNotAllowed, "Scripts cannot use 'dynamic'.", at.Span, null);
                return;
            case IInvocationOperation invocation:
                CheckSymbol(invocation.TargetMethod, at);
                CheckRegex(invocation);
                break;
            case IObjectCreationOperation creation:
                CheckSymbol(creation.Constructor, at);
                break;
            case IPropertyReferenceOperation property:
                CheckSymbol(property.Property, at);
                break;
            case IFieldReferenceOperation field:
                CheckSymbol(field.Field, at);
                break;
            case IMethodReferenceOperation method:
                CheckSymbol(method.Method, at);
                break;
            case IEventReferenceOperation @event:
                CheckSymbol(@event.Event, at);
                break;
            case IBinaryOperation binary:
                CheckSymbol(binary.OperatorMethod, at);
                break;
            case IUnaryOperation unary:
                CheckSymbol(unary.OperatorMethod, at);
                break;
            case ICompoundAssignmentOperation compound:
                CheckSymbol(compound.OperatorMethod, at);
                CheckSymbol(compound.InConversion.MethodSymbol, at);
                CheckSymbol(compound.OutConversion.MethodSymbol, at);
                break;
            case IIncrementOrDecrementOperation increment:
                CheckSymbol(increment.OperatorMethod, at);
                break;
            case IConversionOperation conversion:
                CheckSymbol(conversion.OperatorMethod, at);
                break;
        }

        CheckType(operation.Type, at);
    }

    private void CheckRegex(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.ContainingType?.ToDisplayString() == typeof(Api.Text).FullName
            && invocation.TargetMethod.Name is nameof(Api.Text.Matches) or nameof(Api.Text.Extract)
            && invocation.Arguments.Length == 2
            && invocation.Arguments[1].Value.ConstantValue is { HasValue: true, Value: string pattern })
        {
            try
            {
                Api.Text.Pattern(pattern);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                Report(ScriptDiagnosticIds.InvalidRegex, "The regular expression does not compile for the linear-time engine.", invocation.Arguments[1].Syntax.Span, "Back-references, look-arounds and atomic groups are not available; rewrite the pattern without them.");
            }
        }
    }

    private void CheckSymbol(ISymbol? symbol, SyntaxNode at)
    {
        switch (symbol)
        {
            case null or INamespaceSymbol or IDiscardSymbol or ILabelSymbol:
                return;
            case ITypeSymbol type:
                CheckType(type, at);
                return;
            case ILocalSymbol local:
                CheckType(local.Type, at);
                return;
            case IParameterSymbol parameter:
                CheckType(parameter.Type, at);
                return;
            case IRangeVariableSymbol:
                return;
            case IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction or MethodKind.BuiltinOperator }:
                return;
            case IMethodSymbol { MethodKind: MethodKind.DelegateInvoke } invoke when invoke.ContainingType.IsAnonymousType:
                return;
            case IFieldSymbol { ContainingType.IsTupleType: true } field:
                CheckType(field.Type, at);
                return;
            case IPropertySymbol { ContainingType.IsAnonymousType: true }:
                return;
        }

        if (symbol is IMethodSymbol method)
        {
            symbol = method.ReducedFrom ?? method;
            foreach (ITypeSymbol argument in method.TypeArguments)
            {
                CheckType(argument, at);
            }
        }

        switch (_origin(symbol.ContainingAssembly))
        {
            case SymbolOrigin.Generated:
                CheckGenerated(symbol, at);
                return;
            case SymbolOrigin.Author:
                return;
        }

        if (!_allowList.AllowsMember(symbol, out string? hint))
        {
            Report(ScriptDiagnosticIds.SymbolNotAllowed, $"'{Display(symbol)}' is not on the scripts' allow-list.", at.Span, hint ?? HintFor(symbol));
        }
    }

    /// <summary>Generated code a script may use: the record view's properties and the parameters; nothing else.</summary>
    private void CheckGenerated(ISymbol symbol, SyntaxNode at)
    {
        INamedTypeSymbol? type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        if (_namespaces is not null && !_namespaces.Contains(type?.ContainingNamespace?.ToDisplayString()))
        {
            Report(ScriptDiagnosticIds.ReservedName, $"'{symbol.Name}' is another script's generated code; scripts read the record through 'r' and the parameters through 'p'.", at.Span, null);
            return;
        }

        if (type?.Name == ScriptSource.ViewStruct && symbol is IPropertySymbol property && _properties.TryGetValue(property.Name, out string? field))
        {
            FieldsRead.Add(field);
            return;
        }

        if (type?.Name == ScriptSource.ParameterClass && symbol is IFieldSymbol or INamedTypeSymbol)
        {
            return;
        }

        // The record view, a session preamble's r, and the submission class r belongs to.
        if (symbol is INamedTypeSymbol { Name: ScriptSource.ViewStruct } or INamedTypeSymbol { IsScriptClass: true } or IPropertySymbol { Name: "r", Type.Name: ScriptSource.ViewStruct })
        {
            return;
        }

        Report(ScriptDiagnosticIds.ReservedName, $"'{symbol.Name}' is generated code; scripts read the record through 'r' and the parameters through 'p'.", at.Span, null);
    }

    private void CheckType(ITypeSymbol? type, SyntaxNode at)
    {
        if (type is null or IErrorTypeSymbol || type.SpecialType == SpecialType.System_Void || _checkedTypes.ContainsKey(type))
        {
            return;
        }

        _checkedTypes[type] = true;
        switch (type)
        {
            case IDynamicTypeSymbol:
                Report(ScriptDiagnosticIds.DynamicCodeNotAllowed, "Scripts cannot use 'dynamic'.", at.Span, null);
                return;
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                Report(ScriptDiagnosticIds.UnsafeCodeNotAllowed, "Scripts cannot use pointers.", at.Span, null);
                return;
            case IArrayTypeSymbol array:
                CheckType(array.ElementType, at);
                return;
            case ITypeParameterSymbol:
                return;
            case INamedTypeSymbol { IsAnonymousType: true } anonymous:
                foreach (IPropertySymbol property in anonymous.GetMembers().OfType<IPropertySymbol>())
                {
                    CheckType(property.Type, at);
                }

                return;
            case INamedTypeSymbol { IsTupleType: true } tuple:
                foreach (IFieldSymbol element in tuple.TupleElements)
                {
                    CheckType(element.Type, at);
                }

                return;
            case INamedTypeSymbol named:
                switch (_origin(named.ContainingAssembly))
                {
                    case SymbolOrigin.Generated:
                        CheckGenerated(named, at);
                        return;
                    case SymbolOrigin.Author:
                        return;
                }

                if (!_allowList.AllowsType(named))
                {
                    string code = named.ContainingNamespace?.ToDisplayString() is "System.Reflection.Emit" or "System.Linq.Expressions"
                        ? ScriptDiagnosticIds.DynamicCodeNotAllowed
                        : ScriptDiagnosticIds.SymbolNotAllowed;
                    Report(code, $"Type '{Display(named)}' is not on the scripts' allow-list.", at.Span, HintFor(named));
                }

                foreach (ITypeSymbol argument in named.TypeArguments)
                {
                    CheckType(argument, at);
                }

                CheckType(named.ContainingType, at);
                return;
        }
    }

    private static string Display(ISymbol symbol) => symbol.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    private static string? HintFor(ISymbol symbol)
    {
        string ns = (symbol as INamespaceOrTypeSymbol ?? symbol.ContainingType)?.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return ns switch
        {
            _ when ns.StartsWith("System.IO", StringComparison.Ordinal) => "Scripts read the record only: no files.",
            _ when ns.StartsWith("System.Net", StringComparison.Ordinal) => "Scripts read the record only: no network.",
            _ when ns.StartsWith("System.Reflection", StringComparison.Ordinal) || symbol.Name is "GetType" or "Type" => "Scripts cannot use reflection.",
            _ when ns.StartsWith("System.Threading", StringComparison.Ordinal) => "A rule runs on one record on one thread: no threads or tasks.",
            _ when ns.StartsWith("System.Diagnostics", StringComparison.Ordinal) => "Scripts cannot start or inspect processes.",
            _ when ns.StartsWith("System.Text.RegularExpressions", StringComparison.Ordinal) => "Use Text.Matches(text, pattern): it runs in linear time.",
            _ when ns.StartsWith("System.Runtime", StringComparison.Ordinal) => "Scripts cannot reach the runtime's internals.",
            _ => "docs/scripting-allow-list.md lists what scripts may use.",
        };
    }

    /// <summary>
    /// Reports a problem once: the same symbol is seen by the syntax walk (its name) and by the operation walk (the
    /// call around it), so a message already reported on a span that contains this one, or lies inside it, is not
    /// repeated.
    /// </summary>
    private void Report(string code, string message, TextSpan span, string? hint)
    {
        if (_reportedMessages.Exists(r => r.Message == message && (r.Span.Contains(span) || span.Contains(r.Span))))
        {
            return;
        }

        if (_reported.Add(span.Start))
        {
            _reportedMessages.Add((span, message));
            _report(code, message, span, hint);
        }
    }
}
