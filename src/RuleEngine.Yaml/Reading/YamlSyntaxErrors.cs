using System.Globalization;
using RuleEngine.Diagnostics;

namespace RuleEngine.Yaml.Reading;

/// <summary>
/// Turns the YAML parser's errors into what a model author can act on: the line that is wrong (the parser often
/// names the line after it, or the end of the file), what is wrong with it in the author's terms, and how to fix it —
/// a bracket never closed, a line indented to no key's column, a value with <c>": "</c> in it, a key without its colon.
/// </summary>
internal static class YamlSyntaxErrors
{
    /// <summary>
    /// Explains a parser error at 1-based <paramref name="line"/> and <paramref name="column"/>; the parser's own words
    /// when no case fits. An empty <paramref name="parserMessage"/> stands for a parser that failed without one.
    /// </summary>
    public static (string Message, SourceLocation At, string? Hint) Explain(string text, string? path, string parserMessage, int line, int column)
    {
        string[] lines = text.Split('\n');
        SourceLocation At(int l, int c) => SourceLocation.At(path, l, c);
        string raw = parserMessage.Length == 0 ? "The YAML cannot be read after this point." : parserMessage.TrimEnd('.') + ".";

        if (parserMessage.Contains("flow sequence", StringComparison.OrdinalIgnoreCase) || parserMessage.Contains("flow mapping", StringComparison.OrdinalIgnoreCase) || parserMessage.Length == 0)
        {
            if (UnclosedBracket(lines, line) is { } open)
            {
                char close = open.Bracket == '[' ? ']' : '}';
                return ($"The '{open.Bracket}' opened here is never closed.", At(open.Line, open.Column),
                    $"Close it with '{close}' on the same line{(open.Bracket == '[' ? ", or write the items as a '- ' list, one per line" : ", or write the keys one per line, indented")}.");
            }
        }

        if (line < 1 || line > lines.Length)
        {
            return (raw, At(Math.Max(1, line), Math.Max(1, column)), null);
        }

        string current = lines[line - 1].TrimEnd('\r');
        int indent = Indentation(current);
        string content = current.Trim();
        if (parserMessage.Contains("quoted scalar", StringComparison.OrdinalIgnoreCase))
        {
            return ("The quote opened here is never closed.", At(line, column), "Close the quote on the same value; inside '…' write a ' as '', inside \"…\" as \\\".");
        }

        if (parserMessage.Contains("did not find expected key", StringComparison.OrdinalIgnoreCase) && content.Length > 0)
        {
            if (!HasKeyColon(content) && !content.StartsWith('-'))
            {
                string key = content.Split(' ', 2)[0];
                return ($"Line {line} has no ':' after its key '{key}'.", At(line, indent + 1), $"Write a key, a colon and a space, then the value: '{key}: …'.");
            }

            return Misindented(lines, line, indent, At);
        }

        if (parserMessage.Contains("expected '-' indicator", StringComparison.OrdinalIgnoreCase) && content.Length > 0)
        {
            if (PreviousItemColumn(lines, line) is { } item)
            {
                return ($"Line {line} is not an item of the list above it, whose items start with '- ' in column {item}.", At(line, indent + 1),
                    $"Start it with '- ' in column {item} for a new item, or indent it to column {item + 2} to belong to the item above.");
            }

            return Misindented(lines, line, indent, At);
        }

        if (parserMessage.Contains("invalid mapping", StringComparison.OrdinalIgnoreCase) || parserMessage.Contains("mapping values are not allowed", StringComparison.OrdinalIgnoreCase))
        {
            if (PreviousContent(lines, line) is { } previous && indent > previous.Indent && HasKeyColon(previous.Text) && !EndsOpen(previous.Text))
            {
                string key = KeyOf(previous.Text);
                return ($"Line {line} is indented under '{key}', which already has a value on line {previous.Line}.", At(line, indent + 1),
                    $"Start it in column {previous.Indent + 1}, like '{key}', if it is a key of the same mapping.");
            }

            if (HasKeyColon(content))
            {
                string key = KeyOf(content);
                string value = content[(content.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                string quoted = value.Contains('"', StringComparison.Ordinal) ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'" : "\"" + value + "\"";
                return ($"The value of '{key}' contains ': ', which YAML reads as the start of another key.", At(line, column), $"Quote the whole value: {key}: {quoted}");
            }
        }

        return (raw, At(line, column), null);
    }

    /// <summary>A line indented to a column that matches no key above it: which columns would.</summary>
    private static (string, SourceLocation, string?) Misindented(string[] lines, int line, int indent, Func<int, int, SourceLocation> at)
    {
        // The keys that enclose the line, nearest first: each one less indented than the last.
        var enclosing = new List<(int Column, string Key)>();
        int limit = int.MaxValue;
        for (int l = line - 1; l >= 1 && limit > 0; l--)
        {
            string text = lines[l - 1].TrimEnd('\r');
            if (text.Trim().Length == 0 || text.TrimStart().StartsWith('#'))
            {
                continue;
            }

            int column = Indentation(text);
            if (column < limit)
            {
                enclosing.Add((column + 1, KeyOf(text.Trim())));
                limit = column;
            }
        }

        string choices = string.Join(", or ", enclosing.Select(e => string.Create(CultureInfo.InvariantCulture, $"with '{e.Key}' (column {e.Column})")));
        return (string.Create(CultureInfo.InvariantCulture, $"Line {line} starts in column {indent + 1}, which lines it up with no key above it."), at(line, indent + 1),
            enclosing.Count == 0 ? "Keys of one mapping start in the same column." : $"Keys of one mapping start in the same column: line it up {choices}.");
    }

    /// <summary>The last '[' or '{' before the error that no bracket closes, outside quotes and comments.</summary>
    private static (char Bracket, int Line, int Column)? UnclosedBracket(string[] lines, int errorLine)
    {
        var open = new Stack<(char, int, int)>();
        for (int l = 1; l <= Math.Min(errorLine, lines.Length); l++)
        {
            string text = lines[l - 1];
            char quote = '\0';
            for (int c = 0; c < text.Length; c++)
            {
                char ch = text[c];
                if (quote != '\0')
                {
                    quote = ch == quote ? '\0' : quote;
                }
                else if (ch is '\'' or '"' && (c == 0 || text[c - 1] is ' ' or '[' or '{' or ',' or ':'))
                {
                    quote = ch;
                }
                else if (ch == '#' && (c == 0 || text[c - 1] == ' '))
                {
                    break;
                }
                else if (ch is '[' or '{')
                {
                    open.Push((ch, l, c + 1));
                }
                else if (ch is ']' or '}' && open.Count > 0)
                {
                    open.Pop();
                }
            }
        }

        return open.Count > 0 ? open.Pop() : null;
    }

    private static int? PreviousItemColumn(string[] lines, int line)
    {
        for (int l = line - 1; l >= 1; l--)
        {
            string text = lines[l - 1].TrimEnd('\r');
            if (text.TrimStart().StartsWith("- ", StringComparison.Ordinal) || text.Trim() == "-")
            {
                return Indentation(text) + 1;
            }
        }

        return null;
    }

    private static (int Line, int Indent, string Text)? PreviousContent(string[] lines, int line)
    {
        for (int l = line - 1; l >= 1; l--)
        {
            string text = lines[l - 1].TrimEnd('\r');
            if (text.Trim().Length > 0 && !text.TrimStart().StartsWith('#'))
            {
                return (l, Indentation(text), text.Trim());
            }
        }

        return null;
    }

    private static int Indentation(string text) => text.Length - text.TrimStart(' ').Length;

    /// <summary>Whether the text starts with a key followed by ':' and a space or the end of the line.</summary>
    private static bool HasKeyColon(string content)
    {
        string item = content.StartsWith("- ", StringComparison.Ordinal) ? content[2..].TrimStart() : content;
        int colon = item.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && (colon == item.Length - 1 || item[colon + 1] == ' ') && !item[..colon].Contains(' ', StringComparison.Ordinal);
    }

    /// <summary>Whether a 'key:' line opens a nested block (nothing, '|' or '>' after the colon).</summary>
    private static bool EndsOpen(string content)
    {
        string value = content[(content.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        return value.Length == 0 || value[0] is '|' or '>' || value.StartsWith('#');
    }

    private static string KeyOf(string content)
    {
        string item = content.StartsWith("- ", StringComparison.Ordinal) ? content[2..].TrimStart() : content;
        int colon = item.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? item[..colon] : item.Split(' ', 2)[0];
    }
}
