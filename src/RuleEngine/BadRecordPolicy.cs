using System.Globalization;

namespace RuleEngine;

/// <summary>
/// What a run does when a record cannot be read or a rule cannot be evaluated on it. Every such failure is
/// counted and reported in the <see cref="RunSummary"/> whatever the policy.
/// </summary>
public sealed class BadRecordPolicy
{
    private BadRecordPolicy(long maxFailures, string name)
    {
        MaxFailures = maxFailures;
        Name = name;
    }

    /// <summary>Gets the policy that reports bad records and goes on.</summary>
    public static BadRecordPolicy Skip { get; } = new(long.MaxValue, "skip");

    /// <summary>Gets the policy that stops at the first bad record.</summary>
    public static BadRecordPolicy Stop { get; } = new(0, "stop");

    /// <summary>Gets how many failures are tolerated; the next one stops the run.</summary>
    public long MaxFailures { get; }

    private string Name { get; }

    /// <summary>Creates a policy that tolerates <paramref name="failures"/> failures and stops at the next.</summary>
    /// <param name="failures">How many failures to tolerate; 0 is <see cref="Stop"/>.</param>
    /// <returns>The policy.</returns>
    public static BadRecordPolicy StopAfter(long failures)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(failures);
        return new BadRecordPolicy(failures, string.Create(CultureInfo.InvariantCulture, $"stop-after:{failures}"));
    }

    /// <summary>Reads a policy written as <c>skip</c>, <c>stop</c> or <c>stop-after:N</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="policy">The policy.</param>
    /// <returns>Whether the text names a policy.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BadRecordPolicy? policy)
    {
        policy = text?.Trim().ToLowerInvariant() switch
        {
            "skip" => Skip,
            "stop" => Stop,
            string s when s.StartsWith("stop-after:", StringComparison.Ordinal)
                && long.TryParse(s.AsSpan("stop-after:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out long n) => StopAfter(n),
            _ => null,
        };
        return policy is not null;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
