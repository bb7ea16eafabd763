namespace RuleEngine.Diagnostics;

/// <summary>
/// Thrown when a rule set cannot be compiled. It holds every diagnostic found, not just the first.
/// </summary>
public sealed class RuleCompilationException : RuleEngineException
{
    /// <summary>Initializes a new instance of the <see cref="RuleCompilationException"/> class.</summary>
    /// <param name="diagnostics">All diagnostics; at least one is an error.</param>
    public RuleCompilationException(IReadOnlyList<Diagnostic> diagnostics)
        : base(FormatMessage(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Initializes a new instance of the <see cref="RuleCompilationException"/> class.</summary>
    public RuleCompilationException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RuleCompilationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RuleCompilationException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    /// <summary>Initializes a new instance of the <see cref="RuleCompilationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RuleCompilationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [];
    }

    /// <summary>Gets every diagnostic found while compiling, errors and warnings.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    private static string FormatMessage(IReadOnlyList<Diagnostic> diagnostics)
    {
        int errors = diagnostics.Count(d => d.IsError);
        string header = $"The rule set has {errors} error(s).";
        return diagnostics.Count == 0 ? header : header + Environment.NewLine + string.Join(Environment.NewLine, diagnostics);
    }
}
