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

    /// <summary>
    /// Gets how many bytes a script may allocate on one record: checked at every step of a loop or call, after every
    /// method call, object creation and string concatenation of the script, so straight-line code is held to it too.
    /// One call can overshoot it by what that call allocates; sizes a call is asked for (a count, a capacity, a width)
    /// are checked against <see cref="MaxArrayLength"/> before it runs.
    /// </summary>
    /// <value>The default is 64 MiB.</value>
    public long MaxAllocatedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets the process-wide memory ceiling of the trusted tier, a second line behind <see cref="MaxAllocatedBytes"/>:
    /// a script step that finds the process's managed heap above it stops the script with RE6303. <see langword="null"/>
    /// for three quarters of the memory available to the process (its container's limit, or the machine's).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public long? MaxProcessMemoryBytes { get; init; }

    /// <summary>Gets the most elements an array created by a script may have, and the largest count, capacity or width it may ask a call for.</summary>
    /// <value>The default is 1,000,000.</value>
    public int MaxArrayLength { get; init; } = 1_000_000;

    /// <summary>Gets how long the compiler may take over one script.</summary>
    /// <value>The default is 20 seconds.</value>
    public TimeSpan CompileTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets the process ceiling in force: <see cref="MaxProcessMemoryBytes"/>, or three quarters of the memory available.</summary>
    internal long ProcessCeiling => MaxProcessMemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3;
}
