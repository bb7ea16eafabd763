using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Runtime;

namespace RuleEngine.Scripting;

/// <summary>
/// Turns what a script raised on a record into a code and a message that names the exception type and the script's
/// own line — never the exception's message, which may hold a record's values. Shared by the in-process tier and the
/// worker-process tier (which classifies in the worker and describes in the host).
/// </summary>
internal sealed class ScriptFaults(string ruleId, ScriptSource source, SourceMap map, string code)
{
    private readonly SourceText _generated = SourceText.From(source.Text);

    /// <summary>The code of an exception and what the script did, in words.</summary>
    public static (string Code, string What) Classify(Exception exception) => exception switch
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

    /// <summary>Whether the exception passed through the script, and the generated line and column it came from (0 when unknown).</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="scriptNamespace">The namespace of the script's generated types (several scripts share an assembly).</param>
    public static (bool FromScript, int Line, int Column) Locate(Exception exception, string scriptNamespace)
    {
        bool fromScript = exception is ScriptBudgetExceededException;
        foreach (StackFrame frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
        {
            if (frame.GetMethod()?.DeclaringType?.Namespace != scriptNamespace)
            {
                continue;
            }

            if (frame.GetFileLineNumber() > 0)
            {
                return (true, frame.GetFileLineNumber(), frame.GetFileColumnNumber());
            }

            fromScript = true;
        }

        return (fromScript, 0, 0);
    }

    /// <summary>Whether the core classifies the exception itself: it came from the rule's condition, not from the script.</summary>
    public static bool BelongsToCondition(Exception exception, bool fromScript) =>
        !fromScript && exception is EvaluationException or OverflowException or DivideByZeroException or ArgumentOutOfRangeException;

    /// <summary>The message of a fault: the rule, what the script did, and where in its file.</summary>
    public string Describe(string what, bool fromScript, int line)
    {
        string where = fromScript ? $" in its script (which starts at {map.Locate(code, 0, 0)}; optimised code did not keep the line)" : string.Empty;
        if (line > 0 && line <= _generated.Lines.Count)
        {
            // The budget's code is put into lines of the author's without line breaks, so the line is right while the
            // column counts the inserted characters too: the fault is reported at the first of the author's
            // characters on that line.
            TextLine generatedLine = _generated.Lines[line - 1];
            for (int offset = generatedLine.Start; offset < generatedLine.End; offset++)
            {
                if (source.ToOriginal(offset, 0) is { } original)
                {
                    where = " at " + map.Locate(code, original.Start, 0);
                    break;
                }
            }
        }

        return $"The script of rule '{ruleId}' {what}{where}.";
    }
}
