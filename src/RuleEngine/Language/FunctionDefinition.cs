using System.Reflection;

namespace RuleEngine.Language;

/// <summary>How a function is compiled.</summary>
internal enum FunctionKind
{
    /// <summary>A static method on non-NULL arguments; any NULL argument gives NULL.</summary>
    Strict,

    /// <summary>The first non-NULL argument.</summary>
    Coalesce,

    /// <summary>The smallest non-NULL argument.</summary>
    Least,

    /// <summary>The largest non-NULL argument.</summary>
    Greatest,
}

/// <summary>
/// One overload of a library function. <see cref="LiteralParameters"/> lists the arguments that must be literals
/// (regex patterns, date units), so they are checked and prepared once, at compile time.
/// </summary>
internal sealed record FunctionDefinition(string Name, LanguageType[] Parameters, LanguageType Result, MethodInfo? Method, FunctionKind Kind = FunctionKind.Strict)
{
    public int[] LiteralParameters { get; init; } = [];

    public bool IsVariadic => Kind != FunctionKind.Strict;

    public bool IsRegex => Name is "regexp_like" or "regexp_extract";
}
