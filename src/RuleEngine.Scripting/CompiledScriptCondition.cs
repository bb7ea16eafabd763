using System.Reflection;
using Microsoft.CodeAnalysis;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Loading;

namespace RuleEngine.Scripting;

/// <summary>
/// A script of the trusted tier: checked and compiled, and loaded with the other scripts of its batch (its rule set)
/// into one collectible context when the first predicate is asked for. Its faults are reported with a code and the
/// script's line, never with the exception's message (which may hold a record's values).
/// </summary>
internal sealed class CompiledScriptCondition : ScriptCondition
{
    private readonly ScriptFaults _faults;
    private ScriptBatch? _batch;
    private Func<object, bool>? _run;
    private ScriptAssemblyLifetime? _lifetime;

    public CompiledScriptCondition(ScriptConditionRequest request, GatedScript gated, string cacheKey, string[] fields, ScriptSource source, SourceLocation start)
    {
        Schema = request.Schema;
        FieldsRead = fields;
        Tree = gated.Tree;
        View = gated.View;
        CacheKey = cacheKey;
        Namespace = source.Namespace;
        _faults = new ScriptFaults(request.RuleId, source, request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1)), request.Code);
        Description = start.Path is null ? $"script of {request.RuleId}" : $"script ({Path.GetFileName(start.Path)}:{start.Line})";
    }

    public override DatasetSchema Schema { get; }

    public override IReadOnlyList<string> FieldsRead { get; }

    public override string Description { get; }

    /// <summary>Gets the script's tree, budgets inserted, ready to emit.</summary>
    internal SyntaxTree Tree { get; }

    /// <summary>Gets the tree of the record view the script reads through, shared with the scripts over the same schema.</summary>
    internal SyntaxTree View { get; }

    /// <summary>Gets the hash of the script's content.</summary>
    internal string CacheKey { get; }

    /// <summary>Gets the namespace of the script's generated types.</summary>
    internal string Namespace { get; }

    /// <summary>Gets the assembly the script was loaded in, with the rest of its batch; <see langword="null"/> before.</summary>
    internal Assembly? Assembly { get; private set; }

    /// <summary>Joins the batch that will load this script.</summary>
    internal void Enlist(ScriptBatch batch) => _batch = batch;

    /// <summary>Called by the batch once it is loaded.</summary>
    internal void Bind(ScriptAssemblyLifetime lifetime)
    {
        _lifetime = lifetime;
        Assembly = lifetime.Defining(Namespace + "." + ScriptSource.RuleClass);
        _run = Assembly.GetType(Namespace + "." + ScriptSource.RuleClass, throwOnError: true)!
            .GetMethod(ScriptSource.EntryPoint)!
            .CreateDelegate<Func<object, bool>>();
        _batch = null;
    }

    internal override Func<Record, bool> CreatePredicate(RecordLayout layout)
    {
        _batch?.Load();

        // Func<object, bool> is a Func<Record, bool> by contravariance: the hot loop calls the script directly. The
        // compiled rule holds this condition, and so the lifetime of the load context, as long as it holds the predicate.
        return _run ?? throw new InvalidOperationException("The script was not loaded.");
    }

    internal override bool TryClassify(Exception exception, out string code, out string message)
    {
        (bool fromScript, int line, _) = ScriptFaults.Locate(exception, Namespace);
        if (ScriptFaults.BelongsToCondition(exception, fromScript))
        {
            (code, message) = (string.Empty, string.Empty);
            return false;
        }

        (code, string what) = ScriptFaults.Classify(exception);
        message = _faults.Describe(what, fromScript, line);
        return true;
    }
}
