using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>
/// Thrown by <see cref="RuleMatcher{T}.Match"/> when a rule fails on an object: an integer overflow, a failed
/// conversion, a script's error. A run reports the same failure as a rejected record instead. The message names the
/// rule and the code, never a value of the object.
/// </summary>
public sealed class RuleEvaluationException : RuleEngineException
{
    /// <summary>Initializes a new instance of the <see cref="RuleEvaluationException"/> class.</summary>
    /// <param name="ruleId">The rule that failed.</param>
    /// <param name="code">The diagnostic code (RE4001 and its kin).</param>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public RuleEvaluationException(string ruleId, string code, string message, Exception innerException)
        : base($"{code}: rule {ruleId}: {message}", innerException)
    {
        RuleId = ruleId;
        Code = code;
    }

    /// <summary>Initializes a new instance of the <see cref="RuleEvaluationException"/> class.</summary>
    public RuleEvaluationException()
        : this("A rule failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RuleEvaluationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RuleEvaluationException(string message)
        : base(message)
    {
        RuleId = string.Empty;
        Code = DiagnosticIds.EvaluationFailed;
    }

    /// <summary>Initializes a new instance of the <see cref="RuleEvaluationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RuleEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
        RuleId = string.Empty;
        Code = DiagnosticIds.EvaluationFailed;
    }

    /// <summary>Gets the id of the rule that failed (empty when not known).</summary>
    public string RuleId { get; }

    /// <summary>Gets the diagnostic code.</summary>
    public string Code { get; }
}
