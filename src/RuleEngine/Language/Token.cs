namespace RuleEngine.Language;

internal enum TokenKind
{
    End,
    Identifier,
    QuotedIdentifier,
    Parameter,
    Integer,
    Decimal,
    Double,
    Text,
    Keyword,
    LeftParen,
    RightParen,
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Concat,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Invalid,
}

/// <summary>A token; <see cref="Value"/> is the unescaped text of literals and the upper-case word of keywords.</summary>
internal readonly record struct Token(TokenKind Kind, TextSpan Span, string Value)
{
    public bool IsKeyword(string word) => Kind == TokenKind.Keyword && Value == word;
}
