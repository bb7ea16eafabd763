namespace RuleEngine.Language;

/// <summary>Limits on expressions, so hostile model files cannot exhaust the stack or the compiler.</summary>
internal sealed record LanguageLimits
{
    public static LanguageLimits Default { get; } = new();

    public int MaxExpressionLength { get; init; } = 64 * 1024;

    public int MaxNestingDepth { get; init; } = 128;
}
