namespace RuleEngine.Scripting;

/// <summary>
/// The limits a script is held to: at the gate (size, nesting, compile time) and on each record (steps, call depth,
/// allocation). A script that exceeds a run-time budget gives NotEvaluated for that record, with a code.
/// </summary>
public sealed record ScriptLimits
{
    /// <summary>Gets the longest script, in characters.</summary>
    /// <value>The default is 65,536.</value>
    public int MaxSourceLength { get; init; } = 64 * 1024;

    /// <summary>Gets how deep brackets, parentheses and braces may nest (the C# compiler itself overflows its stack on very deep nesting).</summary>
    /// <value>The default is 64.</value>
    public int MaxNesting { get; init; } = 64;

    /// <summary>Gets how many steps (loop iterations, calls of local functions and lambdas) a script may take on one record.</summary>
    /// <value>The default is 1,000,000.</value>
    public long MaxSteps { get; init; } = 1_000_000;

    /// <summary>Gets how deep calls of local functions and lambdas may nest on one record.</summary>
    /// <value>The default is 64.</value>
    public int MaxCallDepth { get; init; } = 64;

    /// <summary>Gets how many bytes a script may allocate on one record (checked at every step).</summary>
    /// <value>The default is 64 MiB.</value>
    public long MaxAllocatedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Gets the most elements an array created by a script may have.</summary>
    /// <value>The default is 1,000,000.</value>
    public int MaxArrayLength { get; init; } = 1_000_000;

    /// <summary>Gets how long the compiler may take over one script.</summary>
    /// <value>The default is 20 seconds.</value>
    public TimeSpan CompileTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
