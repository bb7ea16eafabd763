using System.Collections.Frozen;
using RuleEngine.Diagnostics;

namespace RuleEngine.Language;

/// <summary>Splits an expression into tokens. Keywords are case-insensitive; identifiers may be Chinese; <c>--</c> starts a comment to the end of the line, as in SQL.</summary>
internal sealed class Lexer
{
    /// <summary>The language's keywords, upper case.</summary>
    internal static readonly string[] KeywordList =
    [
        "AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS", "NULL", "TRUE", "FALSE",
        "CASE", "WHEN", "THEN", "ELSE", "END", "DATE", "TIMESTAMP", "CAST", "AS",
    ];

    private static readonly FrozenSet<string> Keywords = KeywordList.ToFrozenSet(StringComparer.Ordinal);

    private readonly ExpressionText _source;
    private readonly DiagnosticBag _diagnostics;
    private int _position;

    public Lexer(ExpressionText source, DiagnosticBag diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
    }

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            Token token = Next();
            if (token.Kind == TokenKind.Invalid)
            {
                continue;
            }

            tokens.Add(token);
            if (token.Kind == TokenKind.End)
            {
                return tokens;
            }
        }
    }

    private Token Next()
    {
        string text = _source.Text;
        while (_position < text.Length)
        {
            if (char.IsWhiteSpace(text[_position]) || text[_position] == '\uFEFF')
            {
                _position++;
            }
            else if (text[_position] == '-' && Peek(1) == '-')
            {
                int end = text.IndexOf('\n', _position);
                _position = end < 0 ? text.Length : end;
            }
            else
            {
                break;
            }
        }

        if (_position >= text.Length)
        {
            return new Token(TokenKind.End, new TextSpan(text.Length, 0), string.Empty);
        }

        int start = _position;
        char c = text[_position];
        if (char.IsAsciiDigit(c) || (c == '.' && _position + 1 < text.Length && char.IsAsciiDigit(text[_position + 1])))
        {
            return Number(start);
        }

        if (char.IsLetter(c) || c == '_')
        {
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
            {
                _position++;
            }

            string word = text[start.._position];
            string upper = word.ToUpperInvariant();
            return Keywords.Contains(upper)
                ? new Token(TokenKind.Keyword, Span(start), upper)
                : new Token(TokenKind.Identifier, Span(start), word);
        }

        if (c == '$' && _position + 1 < text.Length && (char.IsLetter(text[_position + 1]) || text[_position + 1] == '_'))
        {
            _position++;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
            {
                _position++;
            }

            return new Token(TokenKind.Parameter, Span(start), text[(start + 1).._position]);
        }

        switch (c)
        {
            case '\'':
                return Quoted(start, '\'', TokenKind.Text);
            case '"':
                return Quoted(start, '"', TokenKind.QuotedIdentifier);
            case '(':
                return Single(TokenKind.LeftParen);
            case ')':
                return Single(TokenKind.RightParen);
            case ',':
                return Single(TokenKind.Comma);
            case '.':
                return Single(TokenKind.Dot);
            case '+':
                return Single(TokenKind.Plus);
            case '-':
                return Single(TokenKind.Minus);
            case '*':
                return Single(TokenKind.Star);
            case '/':
                return Single(TokenKind.Slash);
            case '%':
                return Single(TokenKind.Percent);
            case '=':
                _position += Peek(1) == '=' ? 2 : 1;
                return new Token(TokenKind.Equal, Span(start), "=");
            case '|' when Peek(1) == '|':
                _position += 2;
                return new Token(TokenKind.Concat, Span(start), "||");
            case '!' when Peek(1) == '=':
                _position += 2;
                return new Token(TokenKind.NotEqual, Span(start), "<>");
            case '<':
                if (Peek(1) == '=')
                {
                    _position += 2;
                    return new Token(TokenKind.LessOrEqual, Span(start), "<=");
                }

                if (Peek(1) == '>')
                {
                    _position += 2;
                    return new Token(TokenKind.NotEqual, Span(start), "<>");
                }

                return Single(TokenKind.Less);
            case '>':
                if (Peek(1) == '=')
                {
                    _position += 2;
                    return new Token(TokenKind.GreaterOrEqual, Span(start), ">=");
                }

                return Single(TokenKind.Greater);
        }

        _position += c == '&' && Peek(1) == '&' ? 2 : 1;
        string? hint = c switch
        {
            '（' => "Use the ASCII '(' instead of the full-width '（'.",
            '）' => "Use the ASCII ')' instead of the full-width '）'.",
            '，' => "Use the ASCII ',' instead of the full-width '，'.",
            '＝' => "Use the ASCII '=' instead of the full-width '＝'.",
            '＞' => "Use the ASCII '>' instead of the full-width '＞'.",
            '＜' => "Use the ASCII '<' instead of the full-width '＜'.",
            '≥' => "Write '>=' instead of '≥'.",
            '≤' => "Write '<=' instead of '≤'.",
            '≠' => "Write '<>' instead of '≠'.",
            '！' => "Write NOT instead of '！'; '<>' for 'not equal'.",
            '；' or ';' => "A condition is one expression: join its parts with AND or OR.",
            '‘' or '’' or '“' or '”' => "Quote text with ASCII single quotes: 'text'.",
            '&' => "Write AND instead of '&&'.",
            '|' => "Write OR instead of '||'; '||' joins texts.",
            '!' => "Write NOT instead of '!'.",
            _ => null,
        };
        _diagnostics.Error(DiagnosticIds.UnexpectedCharacter, $"Unexpected character '{_source.Text[start.._position]}'.", _source.Locate(Span(start)), hint);
        return new Token(TokenKind.Invalid, Span(start), string.Empty);
    }

    private Token Number(int start)
    {
        string text = _source.Text;
        TokenKind kind = TokenKind.Integer;
        while (_position < text.Length && char.IsAsciiDigit(text[_position]))
        {
            _position++;
        }

        if (_position < text.Length && text[_position] == '.')
        {
            kind = TokenKind.Decimal;
            _position++;
            while (_position < text.Length && char.IsAsciiDigit(text[_position]))
            {
                _position++;
            }
        }

        if (_position < text.Length && text[_position] is 'e' or 'E')
        {
            int save = _position;
            _position++;
            if (_position < text.Length && text[_position] is '+' or '-')
            {
                _position++;
            }

            if (_position < text.Length && char.IsAsciiDigit(text[_position]))
            {
                kind = TokenKind.Double;
                while (_position < text.Length && char.IsAsciiDigit(text[_position]))
                {
                    _position++;
                }
            }
            else
            {
                _position = save;
            }
        }

        return new Token(kind, Span(start), text[start.._position]);
    }

    private Token Quoted(int start, char quote, TokenKind kind)
    {
        string text = _source.Text;
        var value = new System.Text.StringBuilder();
        _position++;
        while (_position < text.Length)
        {
            char c = text[_position];
            if (c == quote)
            {
                if (Peek(1) == quote)
                {
                    value.Append(quote);
                    _position += 2;
                    continue;
                }

                _position++;
                return new Token(kind, Span(start), value.ToString());
            }

            value.Append(c);
            _position++;
        }

        string what = kind == TokenKind.Text ? "text literal" : "quoted name";
        _diagnostics.Error(DiagnosticIds.UnterminatedText, $"The {what} is not closed.", _source.Locate(new TextSpan(start, 1)), $"Add the closing {quote}; write {quote}{quote} for a {quote} inside.");
        return new Token(kind, Span(start), value.ToString());
    }

    private Token Single(TokenKind kind)
    {
        int start = _position++;
        return new Token(kind, Span(start), _source.Text[start.._position]);
    }

    private char Peek(int ahead) => _position + ahead < _source.Text.Length ? _source.Text[_position + ahead] : '\0';

    private TextSpan Span(int start) => TextSpan.FromBounds(start, _position);
}
