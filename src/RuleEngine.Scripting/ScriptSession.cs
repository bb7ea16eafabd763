using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Runtime;
using DiagnosticSeverity = RuleEngine.Diagnostics.DiagnosticSeverity;
using RoslynDiagnostic = Microsoft.CodeAnalysis.Diagnostic;

namespace RuleEngine.Scripting;

/// <summary>
/// An interactive C# session over the records of one dataset, for evaluators such as <c>rulerunner repl</c>, built on
/// the Roslyn Scripting package's submissions: a variable or method one submission declares is there for the next.
/// Every submission passes the gate of script rules (the pre-scan, the shape, the allow-list on every symbol) and runs
/// under their budgets.
/// </summary>
/// <remarks>
/// <para>
/// The session is a script compiler: a rule whose script is a submission, built with
/// <see cref="RuleSetBuilder.UseScriptCompiler"/> and this session, evaluates the submission on each record of a run
/// (or of an explanation), each time from the state the committed submissions left; <see cref="Commit"/> makes what
/// one evaluation declared part of that state.
/// </para>
/// <para>
/// Submissions run in this process, on the caller's thread, one at a time, and are never unloaded (unlike rule
/// scripts, which load into collectible contexts): a session is for a trusted author trying things, not for model files.
/// </para>
/// </remarks>
public sealed class ScriptSession : IScriptConditionCompiler
{
    private static readonly CSharpParseOptions SubmissionParseOptions = new(LanguageVersion.CSharp12, DocumentationMode.None, SourceCodeKind.Script);

    private readonly Dictionary<string, string> _properties = new(StringComparer.Ordinal);
    private readonly ScriptOptions _options;
    private readonly string _preambleAssembly;

    /// <summary>Initializes a new instance of the <see cref="ScriptSession"/> class.</summary>
    /// <param name="schema">The schema of the records submissions read through <c>r</c>.</param>
    /// <param name="parameters">The parameters submissions read through <c>p</c>, with the values that apply.</param>
    /// <param name="limits">The limits submissions are held to; <see langword="null"/> for those of script rules.</param>
    public ScriptSession(DatasetSchema schema, IReadOnlyDictionary<string, object?> parameters, ScriptLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(parameters);
        Schema = schema;
        Limits = limits ?? new ScriptLimits();
        _options = ScriptOptions.Default
            .WithReferences(ScriptRuleCompiler.ReferenceSet)
            .WithImports("System", "System.Collections.Generic", "System.Linq", "RuleEngine.Scripting.Api")
            .WithLanguageVersion(LanguageVersion.CSharp12)
            .WithCheckOverflow(true)
            .WithAllowUnsafe(false)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(false);

        // The preamble is the engine's: the record view and the parameters, as rule scripts have them, and r.
        var text = new StringBuilder();
        ScriptSource.AppendRecordView(text, schema, _properties);
        ScriptSource.AppendParameters(text, parameters, string.Empty);
        text.Append(ScriptSource.ViewStruct).Append(" r => new ").Append(ScriptSource.ViewStruct).Append("(new global::RuleEngine.Scripting.Runtime.ScriptRecord(Record!));\n");
        text.Append("global::RuleEngine.Scripting.Runtime.ScriptGuard ").Append(ScriptSource.GuardName).Append(" => Guard!;\n");
        Script<object> preamble = CSharpScript.Create<object>(text.ToString(), _options, typeof(ScriptSessionGlobals));
        _preambleAssembly = preamble.GetCompilation().AssemblyName!;
        Committed = preamble.RunAsync(Globals).GetAwaiter().GetResult();
        RecordProperties = [.. _properties.Keys];
        ParameterProperties = [.. parameters.Keys.Select(p => ScriptSource.PropertyName(p, []))];
    }

    /// <summary>Gets the schema of the records submissions read.</summary>
    public DatasetSchema Schema { get; }

    /// <summary>Gets the limits submissions are held to.</summary>
    public ScriptLimits Limits { get; }

    /// <summary>Gets the names of the record's properties (<c>r.FilingDate</c>), for completion.</summary>
    public IReadOnlyList<string> RecordProperties { get; }

    /// <summary>Gets the names of the parameters' properties (<c>p.GraceDays</c>), for completion.</summary>
    public IReadOnlyList<string> ParameterProperties { get; }

    /// <summary>
    /// Gets the submission <see cref="Compile"/> gave last, such as the one a <see cref="RuleSetBuilder"/> compiled for
    /// its rule; <see langword="null"/> before the first.
    /// </summary>
    public ScriptSubmission? LastCompiled { get; private set; }

    internal ScriptSessionGlobals Globals { get; } = new();

    /// <summary>Gets the state every evaluation starts from.</summary>
    internal ScriptState<object> Committed { get; private set; }

    /// <summary>Whether a submission is complete, or the author is still typing it (an open brace, a trailing operator).</summary>
    /// <param name="code">The text typed so far.</param>
    /// <returns><see langword="false"/> when more lines should be read before compiling.</returns>
    public static bool IsCompleteSubmission(string code) =>
        SyntaxFactory.IsCompleteSubmission(CSharpSyntaxTree.ParseText(code ?? string.Empty, SubmissionParseOptions));

    /// <summary>Checks and compiles a submission against the session's state; it runs when a run evaluates its rule.</summary>
    /// <param name="request">The submission (<see cref="ScriptConditionRequest.Code"/>) and where it was typed.</param>
    /// <param name="diagnostics">Receives every problem, with the codes and hints of script rules.</param>
    /// <returns>The submission, or <see langword="null"/> when it has an error.</returns>
    public ScriptCondition? Compile(ScriptConditionRequest request, ICollection<RuleEngine.Diagnostics.Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(diagnostics);

        // On the compiler's own thread, with the rule scripts' time limit.
        var found = new List<RuleEngine.Diagnostics.Diagnostic>();
        if (!CompilerThread.TryRun(() => CompileSubmission(request, found), Limits.CompileTimeout, out ScriptSubmission? submission))
        {
            SourceMap at = request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1));
            found.Add(new RuleEngine.Diagnostics.Diagnostic(ScriptDiagnosticIds.CompileTimeout, DiagnosticSeverity.Error, $"The submission did not compile within {Limits.CompileTimeout.TotalSeconds:0} seconds.", at.Locate(request.Code, 0, 0), "Simplify it: fewer nested lambdas and overloads.") { RuleId = request.RuleId });
        }

        foreach (RuleEngine.Diagnostics.Diagnostic diagnostic in found)
        {
            diagnostics.Add(diagnostic);
        }

        return submission is null ? null : LastCompiled = submission;
    }

    private ScriptSubmission? CompileSubmission(ScriptConditionRequest request, List<RuleEngine.Diagnostics.Diagnostic> diagnostics)
    {
        string code = request.Code;
        SourceMap map = request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1));
        int errors = 0;
        void Report(string id, DiagnosticSeverity severity, string message, int start, int length, string? hint)
        {
            errors += severity == DiagnosticSeverity.Error ? 1 : 0;
            diagnostics.Add(new RuleEngine.Diagnostics.Diagnostic(id, severity, message, map.Locate(code, start, length), hint) { RuleId = request.RuleId });
        }

        void Error(string id, string message, int start, int length, string? hint) => Report(id, DiagnosticSeverity.Error, message, start, length, hint);

        foreach ((string id, string message, int start, int length, string? hint) in ScriptPreScan.Check(code, Limits))
        {
            Error(id, message, start, length, hint);
        }

        if (errors > 0)
        {
            return null;
        }

        var syntax = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, SubmissionParseOptions).GetRoot();
        ScriptShape.Check(syntax, Error);
        if (errors > 0)
        {
            return null;
        }

        Script<object> script = Committed.Script.ContinueWith<object>(code, _options);
        var compilation = (CSharpCompilation)script.GetCompilation();
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        foreach (RoslynDiagnostic diagnostic in compilation.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && d.Location.IsInSource))
        {
            Microsoft.CodeAnalysis.Text.TextSpan span = diagnostic.Location.SourceSpan;
            Report(diagnostic.Id, diagnostic.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), span.Start, span.Length, ScriptShape.HintFor(diagnostic, code, _properties));
        }

        // The gate runs on code with C# errors too, as for rule scripts: a refused symbol gets its own code.
        ScriptGate gate = ScriptGate.CheckSubmission(compilation, tree, _preambleAssembly, _properties, AllowList.Default, (id, message, span, hint) => Error(id, message, span.Start, span.Length, hint));
        if (errors > 0)
        {
            return null;
        }

        // A submission that ends in an expression without ';' has a value: the submission's result.
        ExpressionSyntax? value = ((CompilationUnitSyntax)tree.GetRoot()).Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } last } ? last.Expression : null;
        ITypeSymbol? type = value is null ? null : compilation.GetSemanticModel(tree).GetTypeInfo(value).Type;
        if (ScriptSource.NeedsGuard(syntax))
        {
            // Budgets go in as in rule scripts; the guard is the preamble's, reset before each evaluation.
            string guarded = BudgetRewriter.RewriteSubmission(tree.GetRoot(), compilation.GetSemanticModel(tree)).ToFullString();
            script = Committed.Script.ContinueWith<object>(guarded, _options);
            if (script.Compile().FirstOrDefault(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error) is { } failed)
            {
                throw new InvalidOperationException($"A submission that passed the gate did not compile with its budgets ({failed.Id}).");
            }
        }

        string[] fields = [.. Schema.Fields.Select(f => f.Name).Where(gate.FieldsRead.Contains)];
        return new ScriptSubmission(this, script, fields, type?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat));
    }

    /// <summary>
    /// Keeps the state <paramref name="submission"/>'s last evaluation left — the variables and methods it declared —
    /// for every later evaluation and submission.
    /// </summary>
    /// <param name="submission">A submission of this session, evaluated on at least one record.</param>
    /// <exception cref="InvalidOperationException">The submission has not been evaluated, or it belongs to another session.</exception>
    public void Commit(ScriptSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (!ReferenceEquals(submission.Session, this) || submission.LastState is not { } state)
        {
            throw new InvalidOperationException("Only a submission of this session, evaluated on a record, can be committed.");
        }

        Committed = state;
    }
}
