namespace RuleEngine.Diagnostics;

/// <summary>The base of every exception that RuleEngine throws on purpose.</summary>
public class RuleEngineException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="RuleEngineException"/> class.</summary>
    public RuleEngineException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RuleEngineException"/> class.</summary>
    /// <param name="message">The message; never personal data.</param>
    public RuleEngineException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RuleEngineException"/> class.</summary>
    /// <param name="message">The message; never personal data.</param>
    /// <param name="innerException">The cause.</param>
    public RuleEngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
