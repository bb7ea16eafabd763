using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Loading;
using RuleEngine.Scripting.Runtime;

namespace RuleEngine.Scripting;

/// <summary>
/// A script loaded into its own collectible context, as a predicate over records. Its faults are reported with a
/// code and the script's line, never with the exception's message (which may hold a record's values).
/// </summary>
internal sealed class CompiledScriptCondition : ScriptCondition
{
    private readonly Func<object, bool> _run;
    private readonly ScriptAssemblyLifetime _lifetime;
    private readonly ScriptSource _source;
    private readonly SourceText _generated;
    private readonly SourceMap _map;
    private readonly string _code;
    private readonly string _ruleId;

    private CompiledScriptCondition(ScriptConditionRequest request, string[] fields, Func<object, bool> run, ScriptAssemblyLifetime lifetime, ScriptSource source, SourceLocation start)
    {
        Schema = request.Schema;
        FieldsRead = fields;
        _run = run;
        _lifetime = lifetime;
        _source = source;
        _generated = SourceText.From(source.Text);
        _map = request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1));
        _code = request.Code;
        _ruleId = request.RuleId;
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
        string where = Where(exception);
        if (where.Length == 0 && exception is EvaluationException or OverflowException or DivideByZeroException or ArgumentOutOfRangeException)
        {
            // Raised by the rule's condition, not by the script.
            (code, message) = (string.Empty, string.Empty);
            return false;
        }

        (code, string what) = exception switch
        {
            ScriptBudgetExceededException budget => (budget.Code, budget.Code switch
            {
                ScriptDiagnosticIds.CallDepthExceeded => "nested its calls deeper than its budget",
                ScriptDiagnosticIds.AllocationBudgetExceeded => "allocated more than its budget",
                _ => "took more steps than its budget",
            }),
            InsufficientExecutionStackException => (ScriptDiagnosticIds.CallDepthExceeded, "nested its calls too deep"),
            OutOfMemoryException => (ScriptDiagnosticIds.AllocationBudgetExceeded, "ran out of memory"),
            RegexMatchTimeoutException => (ScriptDiagnosticIds.RegexTimeout, "ran a regular expression past its time limit"),
            OverflowException => (DiagnosticIds.ArithmeticOverflow, "overflowed in arithmetic"),
            DivideByZeroException => (DiagnosticIds.DivisionByZero, "divided by zero"),
            EvaluationException evaluation => (evaluation.Code, "failed"),
            _ => (ScriptDiagnosticIds.ScriptFaulted, "threw " + exception.GetType().Name),
        };
        message = $"The script of rule '{_ruleId}' {what}{where}.";
        return true;
    }

    /// <summary>The script's own line where the exception came from, from the frames of the script's assembly; empty when none.</summary>
    private string Where(Exception exception)
    {
        bool fromScript = false;
        foreach (StackFrame frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
        {
            if (frame.GetMethod()?.Module.Assembly != _lifetime.Assembly)
            {
                continue;
            }

            fromScript = true;
            if (frame.GetFileLineNumber() is > 0 and int line && line <= _generated.Lines.Count)
            {
                int offset = _generated.Lines[line - 1].Start + Math.Max(0, frame.GetFileColumnNumber() - 1);
                if (_source.ToOriginal(offset, 0) is { } original)
                {
                    return " at " + _map.Locate(_code, original.Start, 0);
                }
            }
        }

        return fromScript || exception is ScriptBudgetExceededException ? " in its script" : string.Empty;
    }
}
