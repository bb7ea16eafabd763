using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace RuleEngine.Scripting.Api;

/// <summary>
/// Text tests for scripts, such as the facts of a judgment. Regular expressions run on .NET's non-backtracking
/// engine, in time linear in the text, and with a time limit; scripts have no other way to run one.
/// </summary>
public static class Text
{
    private const int MaxCachedPatterns = 256;
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>Gets how long one match may take before the rule is NotEvaluated (RE6304) for the record.</summary>
    internal static TimeSpan MatchTimeout { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Checks whether a text contains a piece of text (ordinal).</summary>
    /// <param name="text">The text.</param>
    /// <param name="part">The piece.</param>
    /// <returns>Whether it does; <see langword="false"/> when the text is <see langword="null"/>.</returns>
    public static bool Contains(string? text, string part) => text is not null && text.Contains(part, StringComparison.Ordinal);

    /// <summary>Checks whether a text contains any of several pieces (ordinal).</summary>
    /// <param name="text">The text.</param>
    /// <param name="parts">The pieces.</param>
    /// <returns>Whether it contains one; <see langword="false"/> when the text is <see langword="null"/>.</returns>
    public static bool ContainsAny(string? text, params string[] parts)
    {
        if (text is null)
        {
            return false;
        }

        foreach (string part in parts)
        {
            if (text.Contains(part, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Counts the non-overlapping occurrences of a piece of text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="part">The piece, not empty.</param>
    /// <returns>The count; 0 when the text is <see langword="null"/>.</returns>
    public static int Count(string? text, string part)
    {
        ArgumentException.ThrowIfNullOrEmpty(part);
        int count = 0;
        for (int at = text?.IndexOf(part, StringComparison.Ordinal) ?? -1; at >= 0; at = text!.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Checks whether a regular expression matches somewhere in a text, on the linear-time engine.</summary>
    /// <param name="text">The text.</param>
    /// <param name="pattern">The pattern; constructs the linear-time engine lacks (back-references, look-arounds) are errors.</param>
    /// <returns>Whether it matches; <see langword="false"/> when the text is <see langword="null"/>.</returns>
    public static bool Matches(string? text, string pattern) => text is not null && Pattern(pattern).IsMatch(text);

    /// <summary>Returns the first match of a regular expression in a text, on the linear-time engine.</summary>
    /// <param name="text">The text.</param>
    /// <param name="pattern">The pattern.</param>
    /// <returns>The matched text, or <see langword="null"/> when nothing matches.</returns>
    public static string? Extract(string? text, string pattern)
    {
        if (text is null)
        {
            return null;
        }

        Match match = Pattern(pattern).Match(text);
        return match.Success ? match.Value : null;
    }

    /// <summary>Compiles a pattern for the linear-time engine, as scripts use it.</summary>
    internal static Regex Pattern(string pattern)
    {
        if (Patterns.TryGetValue(pattern, out Regex? regex))
        {
            return regex;
        }

        // The condition language's one dialect (code points, '$' at the end only, ASCII \d \w \s), as in 'when:'.
        if (!Language.RegexDialect.TryTranslate(pattern, Language.RegexTarget.DotNet, out string translated, out (string Message, int Offset)? refused))
        {
            throw new ArgumentException($"{refused!.Value.Message} (at offset {refused.Value.Offset} of the pattern)", nameof(pattern));
        }

        regex = new Regex(translated, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
        if (Patterns.Count < MaxCachedPatterns)
        {
            Patterns.TryAdd(pattern, regex);
        }

        return regex;
    }
}
