using RuleEngine.Diagnostics;

namespace RuleEngine.Records;

/// <summary>
/// Thrown when a whole source cannot be read (a required column is missing, the file cannot be decoded),
/// as opposed to a single bad record, which is rejected and counted.
/// </summary>
public sealed class RecordSourceException : RuleEngineException
{
    /// <summary>Initializes a new instance of the <see cref="RecordSourceException"/> class.</summary>
    /// <param name="code">The diagnostic code.</param>
    /// <param name="dataset">The dataset.</param>
    /// <param name="message">What is wrong, without personal data.</param>
    public RecordSourceException(string code, string dataset, string message)
        : base($"{dataset}: {code}: {message}")
    {
        Code = code;
        Dataset = dataset;
    }

    /// <summary>Initializes a new instance of the <see cref="RecordSourceException"/> class, for a failure of the input itself.</summary>
    internal RecordSourceException(string code, string dataset, string message, Exception innerException)
        : base($"{dataset}: {code}: {message}", innerException)
    {
        Code = code;
        Dataset = dataset;
    }

    /// <summary>Initializes a new instance of the <see cref="RecordSourceException"/> class.</summary>
    public RecordSourceException()
        : this(DiagnosticIds.MalformedRecord, string.Empty, "The source cannot be read.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RecordSourceException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RecordSourceException(string message)
        : this(DiagnosticIds.MalformedRecord, string.Empty, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RecordSourceException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RecordSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = DiagnosticIds.MalformedRecord;
        Dataset = string.Empty;
    }

    /// <summary>Gets the diagnostic code, such as <c>RE5002</c> for a missing column.</summary>
    public string Code { get; }

    /// <summary>Gets the dataset of the source.</summary>
    public string Dataset { get; }
}
