using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
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
    private readonly Lock _batchLock = new();
    private ScriptBatch _batch = new(EmitImage);

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
        if (!CompilerThread.TryRun(() => new ScriptCompilation(request, Limits, AllowList, found, Enlist).Run(Trust, Workers), Limits.CompileTimeout, out ScriptCondition? result))
        {
            SourceMap map = request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1));
            diagnostics.Add(new RuleEngine.Diagnostics.Diagnostic(ScriptDiagnosticIds.CompileTimeout, DiagnosticSeverity.Error, $"The script of rule '{request.RuleId}' did not compile within {Limits.CompileTimeout.TotalSeconds:0} seconds.", map.Locate(request.Code, 0, 0), "Simplify the script: fewer nested lambdas and overloads.") { RuleId = request.RuleId });
            return null;
        }

        foreach (RuleEngine.Diagnostics.Diagnostic diagnostic in found)
        {
            diagnostics.Add(diagnostic);
        }

        return result;
    }

    /// <summary>Creates a compilation of script trees with the scripts' fixed options and references.</summary>
    private static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees, string assemblyName) =>
        CSharpCompilation.Create(assemblyName, trees, References.Value, new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            checkOverflow: true,
            allowUnsafe: false,
            deterministic: true,
            concurrentBuild: false,
            nullableContextOptions: NullableContextOptions.Enable,
            metadataImportOptions: MetadataImportOptions.Public,
            sourceReferenceResolver: null,
            metadataReferenceResolver: null,
            xmlReferenceResolver: null,
            strongNameProvider: null));

    /// <summary>Emits trees that passed the gate into one assembly, with its symbols.</summary>
    private static CompiledScriptImage EmitImage(IReadOnlyList<SyntaxTree> trees, string assemblyName)
    {
        using var assembly = new MemoryStream();
        using var symbols = new MemoryStream();
        EmitResult emitted = CreateCompilation(trees, assemblyName).Emit(assembly, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        if (!emitted.Success)
        {
            // Every tree compiled alone at the gate; together they only differ by their namespaces.
            throw new InvalidOperationException("Scripts that compiled alone failed to compile together: " + string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Select(d => d.Id)));
        }

        return new CompiledScriptImage(assembly.ToArray(), symbols.ToArray());
    }

    /// <summary>Puts a trusted script into the batch that will load it: the current one, or a new one once that is loaded.</summary>
    private void Enlist(CompiledScriptCondition condition)
    {
        lock (_batchLock)
        {
            if (!_batch.TryAdd(condition))
            {
                _batch = new ScriptBatch(EmitImage);
                _batch.TryAdd(condition);
            }

            condition.Enlist(_batch);
        }
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
    private sealed class ScriptCompilation(ScriptConditionRequest request, ScriptLimits limits, AllowList allowList, List<RuleEngine.Diagnostics.Diagnostic> diagnostics, Action<CompiledScriptCondition> enlist)
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
            ScriptShape.Check(script, Error);
            if (diagnostics.Exists(d => d.IsError))
            {
                return null;
            }

            bool guarded = ScriptSource.NeedsGuard(script);
            ScriptSource source = ScriptSource.Build(_code, script, request.Schema, request.Parameters, guarded ? limits : null);
            string key = CacheKey(source.Text);
            if (!CompiledScriptCache.TryGet(key, out GatedScript? gated))
            {
                gated = Gate(source, guarded);
                if (gated is null)
                {
                    return null;
                }

                CompiledScriptCache.Add(key, gated);
            }

            foreach ((string id, string message, int start, int length) in gated!.Warnings)
            {
                Report(id, DiagnosticSeverity.Warning, message, source, new TextSpan(start, length), null);
            }

            string[] fields = [.. request.Schema.Fields.Select(f => f.Name).Where(gated.FieldsRead.Contains)];
            SourceLocation scriptStart = _map.Locate(_code, 0, 0);
            if (trust == ScriptTrust.Untrusted)
            {
                // Compiled here, loaded only in the worker: one assembly per script, since each has a worker of its own.
                if (!CompiledScriptCache.TryGet("image:" + key, out CompiledScriptImage? image))
                {
                    image = EmitImage([gated.Tree], "RuleEngine.Scripts." + key[..16]);
                    CompiledScriptCache.Add("image:" + key, image);
                }

                return new WorkerScriptCondition(request, image!, fields, source, scriptStart, workers);
            }

            var condition = new CompiledScriptCondition(request, gated, key, fields, source, scriptStart);
            enlist(condition);
            return condition;
        }

        /// <summary>Compiles the script alone, reports every problem, checks it at the gate and inserts the budgets; <see langword="null"/> on an error.</summary>
        private GatedScript? Gate(ScriptSource source, bool guarded)
        {
            string path = _map.Path ?? request.RuleId + ".csx";
            SyntaxTree tree = CSharpSyntaxTree.ParseText(source.Text, FileParseOptions, path, Encoding.UTF8);
            CSharpCompilation compilation = CreateCompilation([tree], "RuleEngine.Scripts.Gate");

            var warnings = new List<(string, string, int, int)>();
            foreach (RoslynDiagnostic diagnostic in compilation.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning))
            {
                TextSpan span = diagnostic.Location.SourceSpan;
                string? hint = ScriptShape.HintFor(diagnostic, source.Text, source.Properties);
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
                tree = tree.WithRootAndOptions(BudgetRewriter.Rewrite(tree.GetRoot(), compilation.GetSemanticModel(tree)), tree.Options);
            }

            return new GatedScript(tree, [.. gate.FieldsRead], warnings);
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
