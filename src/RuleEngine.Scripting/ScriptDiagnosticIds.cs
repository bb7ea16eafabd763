namespace RuleEngine.Scripting;

/// <summary>
/// The stable codes of the diagnostics of C# script rules, each described in <c>docs/scripting.md</c>.
/// C# compiler errors keep their own ids (<c>CS0103</c>).
/// </summary>
/// <remarks>RE62xx: the gate, before anything runs. RE63xx: a script on a record, at run time.</remarks>
public static class ScriptDiagnosticIds
{
    /// <summary>The script uses a type or member that the allow-list does not name.</summary>
    public const string SymbolNotAllowed = "RE6201";

    /// <summary>The script uses dynamic code: <c>dynamic</c>, expression trees, emitted code.</summary>
    public const string DynamicCodeNotAllowed = "RE6202";

    /// <summary>The script uses unsafe code: <c>unsafe</c>, pointers, <c>stackalloc</c>, <c>fixed</c>, <c>extern</c>, attributes.</summary>
    public const string UnsafeCodeNotAllowed = "RE6203";

    /// <summary>The script declares a type or namespace (code that could run when the assembly loads).</summary>
    public const string DeclarationNotAllowed = "RE6204";

    /// <summary>The script has a preprocessor directive (<c>#r</c>, <c>#load</c>, <c>#line</c>, ...).</summary>
    public const string DirectiveNotAllowed = "RE6205";

    /// <summary>The script uses a statement or expression that scripts may not: <c>lock</c>, <c>goto</c>, <c>await</c>, ...</summary>
    public const string FeatureNotAllowed = "RE6206";

    /// <summary>The script is longer or nests deeper than the limits.</summary>
    public const string ScriptTooLarge = "RE6207";

    /// <summary>The script declares static state, which would carry values from one record to the next.</summary>
    public const string StaticStateNotAllowed = "RE6208";

    /// <summary>The script names something reserved for generated code.</summary>
    public const string ReservedName = "RE6210";

    /// <summary>The script did not compile within the time limit.</summary>
    public const string CompileTimeout = "RE6212";

    /// <summary>The script contains an invisible or direction-changing character.</summary>
    public const string ForbiddenCharacter = "RE6213";

    /// <summary>A regular expression given to <c>Text.Matches</c> does not compile for the linear-time engine.</summary>
    public const string InvalidRegex = "RE6214";

    /// <summary>The script took more steps (loop iterations and calls) than its budget on one record.</summary>
    public const string StepBudgetExceeded = "RE6301";

    /// <summary>The script's calls nested deeper than its budget on one record.</summary>
    public const string CallDepthExceeded = "RE6302";

    /// <summary>The script allocated more memory, or a larger array, than its budget on one record.</summary>
    public const string AllocationBudgetExceeded = "RE6303";

    /// <summary>A regular expression took longer than its time limit on one record.</summary>
    public const string RegexTimeout = "RE6304";

    /// <summary>The script threw an exception on one record.</summary>
    public const string ScriptFaulted = "RE6306";

    /// <summary>The worker process of an untrusted script crashed or overran its time limit; its batch was not evaluated.</summary>
    public const string WorkerFailed = "RE6307";
}
