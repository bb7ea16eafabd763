namespace RuleRunner;

/// <summary>The runner's exit codes (documented in README.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int ModelErrors = 1;
    public const int Usage = 2;
    public const int Cancelled = 130;
}
