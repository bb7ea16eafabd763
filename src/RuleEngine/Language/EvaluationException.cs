namespace RuleEngine.Language;

/// <summary>A rule failed on one record (a cast of bad text, a date out of range). Carries a diagnostic code, never the value.</summary>
internal sealed class EvaluationException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
