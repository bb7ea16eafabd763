namespace RuleRunner;

/// <summary>The runner's exit codes (documented in README.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int ModelErrors = 1;
    public const int Usage = 2;

    /// <summary>The run finished and wrote its clues, but records were rejected, rules failed on records, or input lines went unaccounted: a scheduler must look.</summary>
    public const int CompletedWithLoss = 3;
    public const int Cancelled = 130;
}
