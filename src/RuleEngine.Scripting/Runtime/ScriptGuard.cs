using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace RuleEngine.Scripting.Runtime;

/// <summary>
/// The run-time budget of one script evaluation. Generated code calls <see cref="Step"/> in every loop body,
/// <see cref="Enter"/> and <see cref="Exit"/> around every local function and lambda, and <see cref="Length(int)"/> on
/// every array size; every <c>catch</c> of the script is filtered by <see cref="CanCatch"/>, so a script cannot
/// swallow the exception that stops it. One guard per thread, reset for each record.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ScriptGuard
{
    /// <summary>How many bytes this thread allocates between two looks at the process's heap.</summary>
    private const long CeilingCheckEvery = 4L * 1024 * 1024;

    [ThreadStatic]
    private static ScriptGuard? t_current;

    private long _steps;
    private long _maxSteps;
    private int _depth;
    private int _maxDepth;
    private long _startBytes;
    private long _maxBytes;
    private int _maxLength;
    private long _processCeiling;
    private long _lastCeilingCheck;
    private string? _tripped;

    /// <summary>Gets a value indicating whether a <c>catch</c> of the script may run: false once the budget is spent.</summary>
    public bool CanCatch => _tripped is null;

    /// <summary>Gets a value indicating whether a <c>finally</c> block of the script may run: false once the budget is spent.</summary>
    public bool Proceed => _tripped is null;

    /// <summary>Starts the budget of one evaluation on this thread.</summary>
    /// <param name="maxSteps">Loop iterations and calls allowed.</param>
    /// <param name="maxDepth">Nested calls of local functions and lambdas allowed.</param>
    /// <param name="maxBytes">Bytes the evaluation may allocate.</param>
    /// <param name="maxLength">Elements an array the script creates may have.</param>
    /// <returns>This thread's guard, reset.</returns>
    /// <param name="processCeiling">The process's managed heap above which every script step fails (RE6303).</param>
    public static ScriptGuard Begin(long maxSteps, int maxDepth, long maxBytes, int maxLength, long processCeiling)
    {
        ScriptGuard guard = t_current ??= new ScriptGuard();
        guard._steps = 0;
        guard._maxSteps = maxSteps;
        guard._depth = 0;
        guard._maxDepth = maxDepth;
        guard._maxBytes = maxBytes;
        guard._maxLength = maxLength;
        guard._tripped = null;
        guard._processCeiling = processCeiling;
        guard._startBytes = GC.GetAllocatedBytesForCurrentThread();
        guard._lastCeilingCheck = guard._startBytes - CeilingCheckEvery;
        return guard;
    }

    /// <summary>Counts one step; throws when the step or allocation budget is spent.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // a call the script makes stays a frame of its own: its line is where the fault is reported
    public void Step()
    {
        if (_tripped is not null)
        {
            throw new ScriptBudgetExceededException(_tripped);
        }

        if (++_steps > _maxSteps)
        {
            Trip(ScriptDiagnosticIds.StepBudgetExceeded);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        if (allocated - _startBytes > _maxBytes)
        {
            Trip(ScriptDiagnosticIds.AllocationBudgetExceeded);
        }

        if (allocated - _lastCeilingCheck >= CeilingCheckEvery)
        {
            // The second line: whatever each script's budget, the process as a whole stays under its ceiling.
            _lastCeilingCheck = allocated;
            if (GC.GetTotalMemory(forceFullCollection: false) > _processCeiling)
            {
                Trip(ScriptDiagnosticIds.AllocationBudgetExceeded);
            }
        }
    }

    /// <summary>Counts a step after a call, object creation or concatenation of the script, so its allocation is checked in straight-line code too.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">What the call returned.</param>
    /// <returns><paramref name="value"/>.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // a call the script makes stays a frame of its own: its line is where the fault is reported
    public T Checked<T>(T value)
        where T : allows ref struct
    {
        Step();
        return value;
    }

    /// <summary>Checks a size a call of the script is asked for (a count, a capacity, a width) before the call allocates it.</summary>
    /// <param name="size">The size.</param>
    /// <returns><paramref name="size"/>.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // a call the script makes stays a frame of its own: its line is where the fault is reported
    public int Size(int size)
    {
        if (size > _maxLength)
        {
            Trip(ScriptDiagnosticIds.AllocationBudgetExceeded);
        }

        return size;
    }

    /// <summary>Checks a size a call of the script is asked for before the call allocates it.</summary>
    /// <param name="size">The size.</param>
    /// <returns><paramref name="size"/>.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // a call the script makes stays a frame of its own: its line is where the fault is reported
    public long Size(long size)
    {
        if (size > _maxLength)
        {
            Trip(ScriptDiagnosticIds.AllocationBudgetExceeded);
        }

        return size;
    }

    /// <summary>Counts a call; throws when calls nest deeper than the budget.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // a call the script makes stays a frame of its own: its line is where the fault is reported
    public void Enter()
    {
        Step();
        if (++_depth > _maxDepth)
        {
            Trip(ScriptDiagnosticIds.CallDepthExceeded);
        }
    }

    /// <summary>Leaves a call.</summary>
    public void Exit() => _depth--;

    /// <summary>Checks the length of an array the script creates.</summary>
    /// <param name="length">The length.</param>
    /// <returns><paramref name="length"/>.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // a call the script makes stays a frame of its own: its line is where the fault is reported
    public int Length(int length)
    {
        Step();
        if ((uint)length > (uint)_maxLength)
        {
            Trip(ScriptDiagnosticIds.AllocationBudgetExceeded);
        }

        return length;
    }

    /// <summary>Checks the length of an array the script creates.</summary>
    /// <param name="length">The length.</param>
    /// <returns><paramref name="length"/>.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // a call the script makes stays a frame of its own: its line is where the fault is reported
    public long Length(long length)
    {
        Step();
        if ((ulong)length > (ulong)_maxLength)
        {
            Trip(ScriptDiagnosticIds.AllocationBudgetExceeded);
        }

        return length;
    }

    private void Trip(string code)
    {
        _tripped = code;
        throw new ScriptBudgetExceededException(code);
    }
}

/// <summary>A script spent its budget on a record (steps, call depth or allocation); the rule is NotEvaluated for it.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ScriptBudgetExceededException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ScriptBudgetExceededException"/> class.</summary>
    public ScriptBudgetExceededException()
        : this(ScriptDiagnosticIds.StepBudgetExceeded)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ScriptBudgetExceededException"/> class.</summary>
    /// <param name="code">The code of the budget spent.</param>
    public ScriptBudgetExceededException(string code)
        : base($"The script spent its budget ({code}).") => Code = code;

    /// <summary>Initializes a new instance of the <see cref="ScriptBudgetExceededException"/> class.</summary>
    /// <param name="code">The code of the budget spent.</param>
    /// <param name="innerException">Not used by scripts.</param>
    public ScriptBudgetExceededException(string code, Exception innerException)
        : base($"The script spent its budget ({code}).", innerException) => Code = code;

    /// <summary>Gets the code of the budget spent: RE6301 steps, RE6302 call depth, RE6303 allocation.</summary>
    public string Code { get; }
}

/// <summary>Turns the value of an expression script into a rule's outcome: only <see langword="true"/> is a clue.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ScriptResult
{
    /// <summary>Gets the outcome of a Boolean expression.</summary>
    /// <param name="value">The value.</param>
    /// <returns><paramref name="value"/>.</returns>
    public static bool IsTrue(bool value) => value;

    /// <summary>Gets the outcome of a Boolean expression that may be unknown; unknown is not a clue, as in the condition language.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Whether <paramref name="value"/> is <see langword="true"/>.</returns>
    public static bool IsTrue(bool? value) => value == true;
}
