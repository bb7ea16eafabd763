using RuleEngine.Diagnostics;

namespace RuleEngine;

/// <summary>
/// Thrown when a run stops because more records failed than its <see cref="BadRecordPolicy"/> allows.
/// Every record before the one that stopped it was evaluated and its clues were emitted.
/// </summary>
public sealed class BadRecordLimitExceededException : RuleEngineException
{
    /// <summary>Initializes a new instance of the <see cref="BadRecordLimitExceededException"/> class.</summary>
    /// <param name="summary">What the run did until it stopped.</param>
    public BadRecordLimitExceededException(RunSummary summary)
        : base(FormatMessage(summary))
    {
        Summary = summary;
    }

    /// <summary>Initializes a new instance of the <see cref="BadRecordLimitExceededException"/> class.</summary>
    public BadRecordLimitExceededException()
        : this(new RunSummary())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BadRecordLimitExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    public BadRecordLimitExceededException(string message)
        : base(message)
    {
        Summary = new RunSummary();
    }

    /// <summary>Initializes a new instance of the <see cref="BadRecordLimitExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BadRecordLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Summary = new RunSummary();
    }

    /// <summary>Gets what the run did until it stopped.</summary>
    public RunSummary Summary { get; }

    private static string FormatMessage(RunSummary summary)
    {
        string last = summary.Rejections.Count > 0 ? " Last: " + summary.Rejections[^1] : string.Empty;
        return $"The run stopped after {summary.RecordsRejected} rejected record(s) and {summary.RuleErrors} rule error(s).{last}";
    }
}
