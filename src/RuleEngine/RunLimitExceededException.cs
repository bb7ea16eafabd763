using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>
/// Thrown when a run's state — reference indexes or window state — grows past the limit set in <see cref="RunOptions"/>:
/// a clear stop instead of running out of memory.
/// </summary>
public sealed class RunLimitExceededException : RuleEngineException
{
    /// <summary>Initializes a new instance of the <see cref="RunLimitExceededException"/> class.</summary>
    /// <param name="code">The diagnostic code (RE4005, RE4006).</param>
    /// <param name="message">Which limit, and what to do.</param>
    public RunLimitExceededException(string code, string message)
        : base($"{code}: {message}")
    {
        Code = code;
    }

    /// <summary>Initializes a new instance of the <see cref="RunLimitExceededException"/> class.</summary>
    public RunLimitExceededException()
        : this(DiagnosticIds.WindowStateLimitExceeded, "A run limit was exceeded.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RunLimitExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RunLimitExceededException(string message)
        : this(DiagnosticIds.WindowStateLimitExceeded, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RunLimitExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RunLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = DiagnosticIds.WindowStateLimitExceeded;
    }

    /// <summary>Initializes a new instance of the <see cref="RunLimitExceededException"/> class.</summary>
    /// <param name="code">The diagnostic code.</param>
    /// <param name="message">The message.</param>
    /// <param name="summary">What the run did until it stopped.</param>
    public RunLimitExceededException(string code, string message, RunSummary summary)
        : base(message)
    {
        Code = code;
        Summary = summary;
    }

    /// <summary>Gets the diagnostic code of the limit.</summary>
    public string Code { get; }

    /// <summary>Gets what the run did until it stopped, when known.</summary>
    public RunSummary? Summary { get; }
}
