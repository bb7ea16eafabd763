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
        return CompileAll([request], diagnostics)[0];
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The scripts are checked in one C# compilation, on every core, and emitted together; a script the cache of
    /// compiled scripts holds is not checked again. The set may take <see cref="ScriptLimits.CompileTimeout"/>, and a
    /// two-hundredth of it more per further script (20 s and a tenth of a second each, by default); when it does not
    /// finish in that time, each script is compiled alone under its own limit, so a script that is slow to compile
    /// fails by itself.
    /// </remarks>
    public IReadOnlyList<ScriptCondition?> CompileAll(IReadOnlyList<ScriptConditionRequest> requests, ICollection<RuleEngine.Diagnostics.Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(diagnostics);
        ScriptCompilation[] scripts = [.. requests.Select(r => new ScriptCompilation(r ?? throw new ArgumentException("A request is null.", nameof(requests)), Limits, AllowList))];
        if (scripts.Length == 0)
        {
            return [];
        }

        // The compiler recurses over the syntax: threads of its own with large stacks, and a time limit.
        TimeSpan limit = Limits.CompileTimeout * (1 + ((scripts.Length - 1) / 200.0));
        if (!CompilerThread.TryRun(() => CheckTogether(scripts), limit, out bool _))
        {
            if (scripts.Length > 1)
            {
                return [.. requests.Select(r => Compile(r, diagnostics))];
            }

            ScriptConditionRequest request = requests[0];
            SourceMap map = request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1));
            diagnostics.Add(new RuleEngine.Diagnostics.Diagnostic(ScriptDiagnosticIds.CompileTimeout, DiagnosticSeverity.Error, $"The script of rule '{request.RuleId}' did not compile within {Limits.CompileTimeout.TotalSeconds:0} seconds.", map.Locate(request.Code, 0, 0), "Simplify the script: fewer nested lambdas and overloads.") { RuleId = request.RuleId });
            return [null];
        }

        var compiled = new ScriptCondition?[scripts.Length];
        for (int i = 0; i < scripts.Length; i++)
        {
            compiled[i] = scripts[i].Finish(Trust, Workers, Enlist);
            foreach (RuleEngine.Diagnostics.Diagnostic diagnostic in scripts[i].Diagnostics)
            {
                diagnostics.Add(diagnostic);
            }
        }

        return compiled;
    }

    /// <summary>
    /// Checks scripts at the gate together: each is pre-scanned, parsed and shaped alone; the distinct ones the cache
    /// does not hold are compiled as one compilation (they differ by namespace) and each tree is checked on its
    /// semantic model; every script then takes the outcome of its content.
    /// </summary>
    private static bool CheckTogether(ScriptCompilation[] scripts)
    {
        CompilerThread.ForEach(scripts.Length, i => scripts[i].Prepare());
        var outcomes = new Dictionary<string, GateOutcome>(StringComparer.Ordinal);
        foreach (ScriptCompilation script in scripts)
        {
            if (script.Key is { } key && !outcomes.ContainsKey(key) && CompiledScriptCache.TryGet(key, out GatedScript? gated))
            {
                outcomes[key] = new GateOutcome(gated, []);
            }
        }

        ScriptCompilation[] toCheck = [.. scripts.Where(s => s.Key is not null && !outcomes.ContainsKey(s.Key)).DistinctBy(s => s.Key, StringComparer.Ordinal)];
        if (toCheck.Length > 0)
        {
            SyntaxTree[] trees = [.. toCheck.Select(s => s.ParseGenerated())];
            Dictionary<string, SyntaxTree> views = toCheck.Select(s => s.View).DistinctBy(v => v.Namespace, StringComparer.Ordinal).ToDictionary(v => v.Namespace, ParseView, StringComparer.Ordinal);
            CSharpCompilation compilation = CreateCompilation([.. views.Values, .. trees], "RuleEngine.Scripts.Gate", concurrent: true);

            // The compiler's diagnostics for the whole set at once (asking tree by tree costs several times as much);
            // one in generated code (a view, or none) belongs to every script it could concern.
            ILookup<SyntaxTree?, RoslynDiagnostic> found = compilation.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).ToLookup(d => d.Location.SourceTree);
            var checkedNow = new GateOutcome[toCheck.Length];
            CompilerThread.ForEach(toCheck.Length, i =>
            {
                SyntaxTree view = views[toCheck[i].View.Namespace];
                checkedNow[i] = toCheck[i].Gate(compilation, trees[i], view, found[trees[i]], [.. found[view], .. found[null]]);
            });
            for (int i = 0; i < toCheck.Length; i++)
            {
                outcomes[toCheck[i].Key!] = checkedNow[i];
                if (checkedNow[i].Gated is { } gated)
                {
                    CompiledScriptCache.Add(toCheck[i].Key!, gated);
                }
            }
        }

        foreach (ScriptCompilation script in scripts)
        {
            if (script.Key is { } key)
            {
                script.Take(outcomes[key]);
            }
        }

        return true;
    }

    /// <summary>Parses the file of a record view.</summary>
    private static SyntaxTree ParseView(RecordViewSource view) => CSharpSyntaxTree.ParseText(view.Text, FileParseOptions, view.Path, Encoding.UTF8);

    /// <summary>Creates a compilation of script trees with the scripts' fixed options and references.</summary>
    /// <param name="trees">The trees.</param>
    /// <param name="assemblyName">The name of the assembly.</param>
    /// <param name="concurrent">Whether the compiler binds on every core: for the checks; an emit is faster on one.</param>
    private static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees, string assemblyName, bool concurrent = false) =>
        CSharpCompilation.Create(assemblyName, trees, References.Value, new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            checkOverflow: true,
            allowUnsafe: false,
            deterministic: true,
            concurrentBuild: concurrent,
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

        // Checked already: the emit needs no nullable analysis, which changes no code and costs a binding pass.
        SyntaxTree[] emitted = [.. trees.Select(t => t.WithRootAndOptions(t.GetRoot(), ((CSharpParseOptions)t.Options).WithFeatures([new("run-nullable-analysis", "never")])))];
        EmitResult result = CreateCompilation(emitted, assemblyName).Emit(assembly, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        if (!result.Success)
        {
            // Every tree passed the gate; together they only differ by their namespaces.
            throw new InvalidOperationException("Scripts that passed the gate failed to compile together: " + string.Join("; ", result.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Select(d => d.Id)));
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

    /// <summary>What the gate found in a script: the script ready to emit, or its errors (spans in the generated text).</summary>
    private sealed record GateOutcome(GatedScript? Gated, IReadOnlyList<(string Id, string Message, TextSpan? Span, string? Hint)> Errors);

    /// <summary>One script on its way from text to predicate: <see cref="Prepare"/>, the gate, <see cref="Finish"/>.</summary>
    private sealed class ScriptCompilation(ScriptConditionRequest request, ScriptLimits limits, AllowList allowList)
    {
        private readonly string _code = request.Code;
        private readonly SourceMap _map = request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1));
        private readonly List<RuleEngine.Diagnostics.Diagnostic> _diagnostics = [];
        private ScriptSource? _source;
        private GatedScript? _gated;
        private bool _guarded;

        /// <summary>Gets every problem found so far, at its place in the model file.</summary>
        public IReadOnlyList<RuleEngine.Diagnostics.Diagnostic> Diagnostics => _diagnostics;

        /// <summary>Gets the hash of the generated source; <see langword="null"/> when the script failed before the compiler.</summary>
        public string? Key { get; private set; }

        /// <summary>Pre-scans, parses and shapes the script, and builds the C# file it compiles as.</summary>
        public void Prepare()
        {
            foreach ((string code, string message, int start, int length, string? hint) in ScriptPreScan.Check(_code, limits))
            {
                Error(code, message, start, length, hint);
            }

            if (_diagnostics.Count > 0)
            {
                return;
            }

            var script = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(_code, ScriptParseOptions).GetRoot();
            ScriptShape.Check(script, Error);
            if (_diagnostics.Exists(d => d.IsError))
            {
                return;
            }

            // Syntax errors are reported here, on the author's own text. They must be: a brace the script does not
            // match would close the method the script becomes the body of, and what follows it would be declared
            // beside the engine's code (a static constructor, a type in another script's namespace).
            foreach (RoslynDiagnostic error in script.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error))
            {
                Error(error.Id, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), error.Location.SourceSpan.Start, error.Location.SourceSpan.Length, null);
            }

            if (_diagnostics.Count > 0)
            {
                return;
            }

            _guarded = ScriptSource.NeedsGuard(script);
            _source = ScriptSource.Build(_code, script, RecordViewSource.For(request.Schema), request.Parameters, _guarded ? limits : null);
            Key = CacheKey(_source.Text);
        }

        /// <summary>Gets the record view the script reads through; after <see cref="Prepare"/> found no error.</summary>
        public RecordViewSource View => _source!.View;

        /// <summary>Parses the generated file, named after the model file (its symbols give faults their lines).</summary>
        public SyntaxTree ParseGenerated() =>
            CSharpSyntaxTree.ParseText(_source!.Text, FileParseOptions, _map.Path ?? request.RuleId + ".csx", Encoding.UTF8);

        /// <summary>
        /// Checks the script's tree in <paramref name="compilation"/> (which holds its <paramref name="view"/>): the
        /// compiler's errors, then the gate; inserts the budgets.
        /// </summary>
        /// <param name="compilation">The compilation of the scripts checked together.</param>
        /// <param name="tree">The script's tree.</param>
        /// <param name="view">The tree of the script's record view.</param>
        /// <param name="own">The compiler's diagnostics in the script's tree.</param>
        /// <param name="generated">The compiler's errors in generated code the script depends on (none, normally).</param>
        public GateOutcome Gate(CSharpCompilation compilation, SyntaxTree tree, SyntaxTree view, IEnumerable<RoslynDiagnostic> own, IEnumerable<RoslynDiagnostic> generated)
        {
            ScriptSource source = _source!;
            var errors = new List<(string, string, TextSpan?, string?)>();
            var warnings = new List<(string, string, int, int)>();
            foreach (RoslynDiagnostic diagnostic in own)
            {
                TextSpan span = diagnostic.Location.SourceSpan;
                string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
                if (diagnostic.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                {
                    errors.Add((diagnostic.Id, message, span, ScriptShape.HintFor(diagnostic, source.Text, source.Properties)));
                }
                else if (source.ToOriginal(span.Start, span.Length) is not null)
                {
                    warnings.Add((diagnostic.Id, message, span.Start, span.Length));
                }
            }

            foreach (RoslynDiagnostic diagnostic in generated.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error))
            {
                errors.Add((diagnostic.Id, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), null, null));
            }

            // The gate asks for symbols, not for nullability: without a second nullable analysis (the diagnostics
            // above had one, for the warnings) a script's symbols cost far less. The option is marked experimental
            // in Roslyn; the package version is pinned, so a change shows up as a build error here.
#pragma warning disable RSEXPERIMENTAL001
            SemanticModel model = compilation.GetSemanticModel(tree, SemanticModelOptions.DisableNullableAnalysis);
#pragma warning restore RSEXPERIMENTAL001
            var gate = ScriptGate.Check(model, source, allowList, (code, message, span, hint) => errors.Add((code, message, span, hint)));
            if (errors.Count > 0)
            {
                return new GateOutcome(null, errors);
            }

            if (_guarded)
            {
                tree = tree.WithRootAndOptions(BudgetRewriter.Rewrite(tree.GetRoot(), model), tree.Options);
            }

            return new GateOutcome(new GatedScript(tree, view, [.. gate.FieldsRead], warnings), []);
        }

        /// <summary>Reports what the gate found in this script's content, at this script's places.</summary>
        public void Take(GateOutcome outcome)
        {
            _gated = outcome.Gated;
            foreach ((string id, string message, TextSpan? span, string? hint) in outcome.Errors)
            {
                Report(id, DiagnosticSeverity.Error, message, _source!, span, hint);
            }
        }

        /// <summary>The compiled condition of a script that passed the gate, with its warnings; <see langword="null"/> after an error.</summary>
        public ScriptCondition? Finish(ScriptTrust trust, ScriptWorkerOptions workers, Action<CompiledScriptCondition> enlist)
        {
            if (_diagnostics.Exists(d => d.IsError) || Key is null || _gated is not { } gated)
            {
                return null;
            }

            ScriptSource source = _source!;
            foreach ((string id, string message, int start, int length) in gated.Warnings)
            {
                Report(id, DiagnosticSeverity.Warning, message, source, new TextSpan(start, length), null);
            }

            string[] fields = [.. request.Schema.Fields.Select(f => f.Name).Where(gated.FieldsRead.Contains)];
            SourceLocation scriptStart = _map.Locate(_code, 0, 0);
            if (trust == ScriptTrust.Untrusted)
            {
                // Compiled here, loaded only in the worker: one assembly per script, since each has a worker of its own.
                if (!CompiledScriptCache.TryGet("image:" + Key, out CompiledScriptImage? image))
                {
                    image = EmitImage([gated.View, gated.Tree], "RuleEngine.Scripts." + Key[..16]);
                    CompiledScriptCache.Add("image:" + Key, image);
                }

                return new WorkerScriptCondition(request, image!, fields, source, scriptStart, workers);
            }

            var condition = new CompiledScriptCondition(request, gated, Key, fields, source, scriptStart);
            enlist(condition);
            return condition;
        }

        private string CacheKey(string text)
        {
            string key = string.Join('\n', LibraryVersion, limits.ToString(), allowList.Text, text);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        /// <summary>Reports a problem at the author's text under <paramref name="span"/> of the generated file; at the script's start when it is not the author's.</summary>
        private void Report(string id, DiagnosticSeverity severity, string message, ScriptSource source, TextSpan? span, string? hint)
        {
            (int start, int length) = span is { } at ? source.ToOriginal(at.Start, at.Length) ?? (0, 0) : (0, 0);
            _diagnostics.Add(new RuleEngine.Diagnostics.Diagnostic(id, severity, message, _map.Locate(_code, start, length), hint) { RuleId = request.RuleId });
        }

        private void Error(string id, string message, int start, int length, string? hint) =>
            _diagnostics.Add(new RuleEngine.Diagnostics.Diagnostic(id, DiagnosticSeverity.Error, message, _map.Locate(_code, start, length), hint) { RuleId = request.RuleId });
    }
}
