using RuleEngine.Diagnostics;

namespace RuleEngine.Sql;

/// <summary>A SQL run that stopped because the database failed a query (RE7003); the message names the rules, never row values.</summary>
public sealed class SqlRunException : RuleEngineException
{
    /// <summary>Initializes a new instance of the <see cref="SqlRunException"/> class.</summary>
    /// <param name="code">The diagnostic code.</param>
    /// <param name="message">The message; never personal data.</param>
    public SqlRunException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Initializes a new instance of the <see cref="SqlRunException"/> class.</summary>
    public SqlRunException()
        : this(DiagnosticIds.SqlQueryFailed, "A query failed in the database.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SqlRunException"/> class.</summary>
    /// <param name="message">The message; never personal data.</param>
    public SqlRunException(string message)
        : this(DiagnosticIds.SqlQueryFailed, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SqlRunException"/> class.</summary>
    /// <param name="message">The message; never personal data.</param>
    /// <param name="innerException">The cause.</param>
    public SqlRunException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = DiagnosticIds.SqlQueryFailed;
    }

    /// <summary>Gets the diagnostic code (RE7003).</summary>
    public string Code { get; } = DiagnosticIds.SqlQueryFailed;
}
