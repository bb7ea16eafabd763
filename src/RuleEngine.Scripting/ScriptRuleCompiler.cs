using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using RuleEngine.Diagnostics;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Loading;
using RoslynDiagnostic = Microsoft.CodeAnalysis.Diagnostic;
using DiagnosticSeverity = RuleEngine.Diagnostics.DiagnosticSeverity;
using TextSpan = Microsoft.CodeAnalysis.Text.TextSpan;

namespace RuleEngine.Scripting;

/// <summary>
/// Compiles the C# scripts of rules into predicates that run in the hot loop, in-process, behind the gate: a pre-scan
/// of the text, a deny-by-default allow-list checked on every symbol of Roslyn's semantic model, compile options
/// without unsafe code and with overflow checks, and run-time budgets for scripts that loop or call. Compiled
/// scripts are cached by content and live in collectible load contexts.
/// </summary>
/// <remarks>
/// Pass an instance to <see cref="RuleSetBuilder.UseScriptCompiler"/> (or to the YAML model set's compile options)
/// to let rules carry scripts. In-process scripts share the host's process: the gate and budgets stop what they
/// know of, not everything an attacker may find. Enable scripts for model files whose source the host trusts.
/// </remarks>
/// <threadsafety static="true" instance="true"/>
public sealed class ScriptRuleCompiler : IScriptConditionCompiler
{
    private const int CompilerStackSize = 64 * 1024 * 1024;

    private static readonly CSharpParseOptions ScriptParseOptions = new(LanguageVersion.CSharp12, DocumentationMode.None, SourceCodeKind.Script);
    private static readonly CSharpParseOptions FileParseOptions = new(LanguageVersion.CSharp12, DocumentationMode.None, SourceCodeKind.Regular);
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(CreateReferences);
    private static readonly string LibraryVersion = typeof(ScriptRuleCompiler).Assembly.ManifestModule.ModuleVersionId.ToString();

    /// <summary>Initializes a new instance of the <see cref="ScriptRuleCompiler"/> class with the default limits.</summary>
    public ScriptRuleCompiler()
        : this(new ScriptLimits())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ScriptRuleCompiler"/> class.</summary>
    /// <param name="limits">The limits scripts are held to.</param>
    public ScriptRuleCompiler(ScriptLimits limits)
        : this(limits, ScriptTrust.Trusted)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ScriptRuleCompiler"/> class for a trust tier.</summary>
    /// <param name="limits">The limits scripts are held to.</param>
    /// <param name="trust">Where scripts run: in this process, or each in a worker process of its own.</param>
    /// <param name="workers">How worker processes are run (<see cref="ScriptTrust.Untrusted"/>); <see langword="null"/> for the defaults.</param>
    public ScriptRuleCompiler(ScriptLimits limits, ScriptTrust trust, ScriptWorkerOptions? workers = null)
        : this(limits, AllowList.Default, trust, workers ?? new ScriptWorkerOptions())
    {
    }

    internal ScriptRuleCompiler(ScriptLimits limits, AllowList allowList, ScriptTrust trust = ScriptTrust.Trusted, ScriptWorkerOptions? workers = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (!Enum.IsDefined(trust))
        {
            throw new ArgumentOutOfRangeException(nameof(trust));
        }

        Limits = limits;
        AllowList = allowList;
        Trust = trust;
        Workers = workers ?? new ScriptWorkerOptions();
    }

    /// <summary>Gets the limits scripts are held to.</summary>
    public ScriptLimits Limits { get; }

    /// <summary>Gets where scripts run.</summary>
    public ScriptTrust Trust { get; }

    /// <summary>Gets how worker processes run, for <see cref="ScriptTrust.Untrusted"/> scripts.</summary>
    public ScriptWorkerOptions Workers { get; }

    internal AllowList AllowList { get; }

    /// <summary>Gets the fixed set of assemblies scripts compile against.</summary>
    internal static ImmutableArray<MetadataReference> ReferenceSet => References.Value;

    /// <inheritdoc/>
    public ScriptCondition? Compile(ScriptConditionRequest request, ICollection<RuleEngine.Diagnostics.Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(diagnostics);

        // The compiler recurses over the syntax; a thread of its own with a large stack, and a time limit.
        var found = new List<RuleEngine.Diagnostics.Diagnostic>();
        ScriptCondition? result = null;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = new ScriptCompilation(request, Limits, AllowList, found).Run(Trust, Workers);
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
            },
            CompilerStackSize)
        {
            IsBackground = true,
            Name = "RuleEngine script compiler",
        };
        thread.Start();
        if (!thread.Join(Limits.CompileTimeout))
        {
            SourceMap map = request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1));
            diagnostics.Add(new RuleEngine.Diagnostics.Diagnostic(ScriptDiagnosticIds.CompileTimeout, DiagnosticSeverity.Error, $"The script of rule '{request.RuleId}' did not compile within {Limits.CompileTimeout.TotalSeconds:0} seconds.", map.Locate(request.Code, 0, 0), "Simplify the script: fewer nested lambdas and overloads.") { RuleId = request.RuleId });
            return null;
        }

        failure?.Throw();
        foreach (RuleEngine.Diagnostics.Diagnostic diagnostic in found)
        {
            diagnostics.Add(diagnostic);
        }

        return result;
    }

    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        // A fixed set: the runtime's core, collections and LINQ, and the scripts' helper API. The allow-list, not
        // the reference set, is what keeps files, reflection and threads out: they live in the core library too.
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string[] framework = ["System.Private.CoreLib", "System.Runtime", "System.Collections", "System.Linq"];
        return
        [
            .. framework.Select(name => (MetadataReference)MetadataReference.CreateFromFile(Path.Combine(runtime, name + ".dll"))),
            MetadataReference.CreateFromFile(typeof(ScriptRuleCompiler).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(RuleSet).Assembly.Location),
        ];
    }

    /// <summary>One script on its way from text to predicate.</summary>
    private sealed class ScriptCompilation(ScriptConditionRequest request, ScriptLimits limits, AllowList allowList, List<RuleEngine.Diagnostics.Diagnostic> diagnostics)
    {
        private readonly string _code = request.Code;
        private readonly SourceMap _map = request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1));

        public ScriptCondition? Run(ScriptTrust trust, ScriptWorkerOptions workers)
        {
            foreach ((string code, string message, int start, int length, string? hint) in ScriptPreScan.Check(_code, limits))
            {
                Error(code, message, start, length, hint);
            }

            if (diagnostics.Count > 0)
            {
                return null;
            }

            var script = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(_code, ScriptParseOptions).GetRoot();
            CheckShape(script);
            if (diagnostics.Exists(d => d.IsError))
            {
                return null;
            }

            bool guarded = ScriptSource.NeedsGuard(script);
            ScriptSource source = ScriptSource.Build(_code, script, request.Schema, request.Parameters, guarded ? limits : null);
            string key = CacheKey(source.Text);
            if (!CompiledScriptCache.TryGet(key, out CompiledScriptImage? image))
            {
                image = Emit(source, guarded);
                if (image is null)
                {
                    return null;
                }

                CompiledScriptCache.Add(key, image);
            }

            foreach ((string id, string message, int start, int length) in image!.Warnings)
            {
                Report(id, DiagnosticSeverity.Warning, message, source, new TextSpan(start, length), null);
            }

            string[] fields = [.. request.Schema.Fields.Select(f => f.Name).Where(image.FieldsRead.Contains)];
            SourceLocation scriptStart = _map.Locate(_code, 0, 0);
            return trust == ScriptTrust.Untrusted
                ? new WorkerScriptCondition(request, image, fields, source, scriptStart, workers)
                : CompiledScriptCondition.Load(request, image, fields, source, scriptStart);
        }

        /// <summary>What a script may be made of: statements, local functions and variables; no types, static fields, directives or attributes.</summary>
        private void CheckShape(CompilationUnitSyntax script)
        {
            foreach (SyntaxTrivia directive in script.DescendantTrivia(descendIntoTrivia: true).Where(t => t.IsDirective || t.IsKind(SyntaxKind.ShebangDirectiveTrivia)))
            {
                Error(ScriptDiagnosticIds.DirectiveNotAllowed, "Scripts cannot use preprocessor directives (#r, #load, #line, #if, ...).", directive.Span.Start, directive.Span.Length, "A script uses only what the allow-list offers; it cannot load assemblies or files.");
            }

            foreach (ExternAliasDirectiveSyntax alias in script.Externs)
            {
                Error(ScriptDiagnosticIds.UnsafeCodeNotAllowed, "Scripts cannot use extern aliases.", alias.Span.Start, alias.Span.Length, null);
            }

            foreach (AttributeListSyntax attributes in script.AttributeLists)
            {
                Error(ScriptDiagnosticIds.UnsafeCodeNotAllowed, "Scripts cannot use attributes.", attributes.Span.Start, attributes.Span.Length, null);
            }

            foreach (MemberDeclarationSyntax member in script.Members)
            {
                switch (member)
                {
                    case GlobalStatementSyntax:
                        break;
                    case MethodDeclarationSyntax:
                        break;
                    case FieldDeclarationSyntax field when field.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword)):
                        Error(ScriptDiagnosticIds.StaticStateNotAllowed, "Scripts cannot declare static fields: a value would carry over from one record to the next.", field.Span.Start, field.Span.Length, "Use a local variable.");
                        break;
                    case FieldDeclarationSyntax:
                        break;
                    default:
                        Error(ScriptDiagnosticIds.DeclarationNotAllowed, "Scripts cannot declare types, namespaces, properties or events (code that could run when the assembly loads).", member.Span.Start, Math.Min(member.Span.Length, 1), "Use local functions and local variables.");
                        break;
                }
            }
        }

        private CompiledScriptImage? Emit(ScriptSource source, bool guarded)
        {
            string path = _map.Path ?? request.RuleId + ".csx";
            SyntaxTree tree = CSharpSyntaxTree.ParseText(source.Text, FileParseOptions, path, Encoding.UTF8);
            var options = new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                checkOverflow: true,
                allowUnsafe: false,
                deterministic: true,
                concurrentBuild: false,
                nullableContextOptions: NullableContextOptions.Enable,
                metadataImportOptions: MetadataImportOptions.Public);
            CSharpCompilation compilation = CSharpCompilation.Create("RuleEngine.Script." + Guid.NewGuid().ToString("N"), [tree], References.Value, options)
                .WithOptions(options.WithSourceReferenceResolver(null).WithMetadataReferenceResolver(null).WithXmlReferenceResolver(null).WithStrongNameProvider(null));

            var warnings = new List<(string, string, int, int)>();
            foreach (RoslynDiagnostic diagnostic in compilation.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning))
            {
                TextSpan span = diagnostic.Location.SourceSpan;
                string? hint = diagnostic.Id == "CS1061" && diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains(ScriptSource.ViewStruct, StringComparison.Ordinal)
                    ? RuleEngine.Language.NameSuggester.Closest(source.Text.Substring(span.Start, span.Length), source.Properties.Keys) is { } near ? $"Did you mean 'r.{near}'?" : "The record has a property per field of the dataset's schema."
                    : null;
                string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
                if (diagnostic.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                {
                    Report(diagnostic.Id, DiagnosticSeverity.Error, message, source, span, hint);
                }
                else if (source.ToOriginal(span.Start, span.Length) is not null)
                {
                    warnings.Add((diagnostic.Id, message, span.Start, span.Length));
                }
            }

            var gate = ScriptGate.Check(compilation, tree, source, allowList, (code, message, span, hint) => Report(code, DiagnosticSeverity.Error, message, source, span, hint));
            if (diagnostics.Exists(d => d.IsError))
            {
                return null;
            }

            if (guarded)
            {
                SyntaxNode rewritten = BudgetRewriter.Rewrite(tree.GetRoot(), compilation.GetSemanticModel(tree));
                compilation = compilation.ReplaceSyntaxTree(tree, tree.WithRootAndOptions(rewritten, tree.Options));
            }

            using var assembly = new MemoryStream();
            using var symbols = new MemoryStream();
            EmitResult emitted = compilation.Emit(assembly, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
            if (!emitted.Success)
            {
                foreach (RoslynDiagnostic error in emitted.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error))
                {
                    Report(error.Id, DiagnosticSeverity.Error, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), source, default, null);
                }

                return null;
            }

            return new CompiledScriptImage(assembly.ToArray(), symbols.ToArray(), [.. gate.FieldsRead], guarded, warnings);
        }

        private string CacheKey(string text)
        {
            string key = string.Join('\n', LibraryVersion, limits.ToString(), allowList.Text, text);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        private void Report(string id, DiagnosticSeverity severity, string message, ScriptSource source, TextSpan span, string? hint)
        {
            (int start, int length) = source.ToOriginal(span.Start, span.Length) ?? (0, 0);
            diagnostics.Add(new RuleEngine.Diagnostics.Diagnostic(id, severity, message, _map.Locate(_code, start, length), hint) { RuleId = request.RuleId });
        }

        private void Error(string id, string message, int start, int length, string? hint) =>
            diagnostics.Add(new RuleEngine.Diagnostics.Diagnostic(id, DiagnosticSeverity.Error, message, _map.Locate(_code, start, length), hint) { RuleId = request.RuleId });
    }
}
