using System.Reflection;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Loading;

namespace RuleEngine.Scripting;

/// <summary>
/// A script loaded into its own collectible context, as a predicate over records. Its faults are reported with a
/// code and the script's line, never with the exception's message (which may hold a record's values).
/// </summary>
internal sealed class CompiledScriptCondition : ScriptCondition
{
    private readonly Func<object, bool> _run;
    private readonly ScriptAssemblyLifetime _lifetime;
    private readonly ScriptFaults _faults;

    private CompiledScriptCondition(ScriptConditionRequest request, string[] fields, Func<object, bool> run, ScriptAssemblyLifetime lifetime, ScriptSource source, SourceLocation start)
    {
        Schema = request.Schema;
        FieldsRead = fields;
        _run = run;
        _lifetime = lifetime;
        _faults = new ScriptFaults(request.RuleId, source, request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1)), request.Code);
        Description = start.Path is null ? $"script of {request.RuleId}" : $"script ({start.Path}:{start.Line})";
    }

    public override DatasetSchema Schema { get; }

    public override IReadOnlyList<string> FieldsRead { get; }

    public override string Description { get; }

    /// <summary>Gets the assembly the script was loaded as (tests watch it unload).</summary>
    internal Assembly Assembly => _lifetime.Assembly;

    public static CompiledScriptCondition Load(ScriptConditionRequest request, CompiledScriptImage image, string[] fields, ScriptSource source, SourceLocation start)
    {
        var context = new ScriptLoadContext("RuleEngine script " + request.RuleId);
        Assembly assembly = context.LoadFromStream(new MemoryStream(image.Assembly), new MemoryStream(image.Symbols));
        MethodInfo run = assembly.GetType($"{ScriptSource.Namespace}.{ScriptSource.RuleClass}", throwOnError: true)!.GetMethod(ScriptSource.EntryPoint)!;
        return new CompiledScriptCondition(request, fields, run.CreateDelegate<Func<object, bool>>(), new ScriptAssemblyLifetime(context, assembly), source, start);
    }

    internal override Func<Record, bool> CreatePredicate(RecordLayout layout)
    {
        // Func<object, bool> is a Func<Record, bool> by contravariance: the hot loop calls the script directly. The
        // compiled rule holds this condition, and so the lifetime of the load context, as long as it holds the predicate.
        return _run;
    }

    internal override bool TryClassify(Exception exception, out string code, out string message)
    {
        (bool fromScript, int line, int column) = ScriptFaults.Locate(exception, _lifetime.Assembly);
        if (ScriptFaults.BelongsToCondition(exception, fromScript))
        {
            (code, message) = (string.Empty, string.Empty);
            return false;
        }

        (code, string what) = ScriptFaults.Classify(exception);
        message = _faults.Describe(what, fromScript, line, column);
        return true;
    }
}
