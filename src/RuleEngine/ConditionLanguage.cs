using RuleEngine.Language;

namespace RuleEngine;

/// <summary>Facts about the condition language, for editors, evaluators and completion.</summary>
public static class ConditionLanguage
{
    /// <summary>Gets the names of the functions a condition may call (<c>days_between</c>, <c>contains</c>, …), in order.</summary>
    public static IReadOnlyList<string> FunctionNames { get; } = [.. FunctionLibrary.Names];

    /// <summary>Gets the language's keywords (<c>AND</c>, <c>BETWEEN</c>, <c>IS NULL</c>'s words, …), in order.</summary>
    public static IReadOnlyList<string> Keywords { get; } = [.. Lexer.KeywordList.Order(StringComparer.Ordinal)];
}
