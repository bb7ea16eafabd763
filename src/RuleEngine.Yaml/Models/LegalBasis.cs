namespace RuleEngine.Yaml;

/// <summary>A provision a model rests on.</summary>
/// <param name="Law">The law or rule, such as <c>道路交通安全法</c>.</param>
/// <param name="Article">The article, such as <c>第九十一条</c>.</param>
/// <param name="Text">The provision's text, or the part that matters.</param>
public sealed record LegalBasis(string Law, string? Article, string? Text);
