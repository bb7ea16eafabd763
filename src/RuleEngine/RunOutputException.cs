using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>
/// Thrown when a run cannot hand its output on — the clue sink (RE5013: a full disk, a closed connection) or the
/// dead-letter sink (RE5014) fails — so the run stops rather than go on losing clues or failures. Every clue before
/// the failing one was handed to the sink; a checkpointed run resumes from its last checkpoint.
/// </summary>
public sealed class RunOutputException : RuleEngineException
{
    /// <summary>Initializes a new instance of the <see cref="RunOutputException"/> class.</summary>
    public RunOutputException()
        : this(DiagnosticIds.OutputWriteFailed, "The run's output failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RunOutputException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RunOutputException(string message)
        : this(DiagnosticIds.OutputWriteFailed, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RunOutputException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The failure of the sink.</param>
    public RunOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = DiagnosticIds.OutputWriteFailed;
    }

    /// <summary>Initializes a new instance of the <see cref="RunOutputException"/> class.</summary>
    /// <param name="code">RE5013 for the clue sink, RE5014 for the dead-letter sink.</param>
    /// <param name="message">What failed, without record values.</param>
    /// <param name="innerException">The failure of the sink.</param>
    /// <param name="summary">What the run had done, when known.</param>
    public RunOutputException(string code, string message, Exception? innerException = null, RunSummary? summary = null)
        : base($"{code}: {message}", innerException!)
    {
        Code = code;
        Summary = summary;
    }

    /// <summary>Gets the diagnostic code: RE5013 (clue sink) or RE5014 (dead-letter sink).</summary>
    public string Code { get; }

    /// <summary>Gets what the run had done when its output failed.</summary>
    public RunSummary? Summary { get; }
}
