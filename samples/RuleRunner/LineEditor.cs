using System.Globalization;
using System.Text;

namespace RuleRunner;

/// <summary>
/// Reads a line from the terminal with editing, history and completion: ←/→, Home/End (Ctrl+A/E), Backspace/Delete,
/// Ctrl+U to clear, ↑/↓ through earlier lines, Tab to complete the word before the cursor (once: the common part; a
/// second time: the list), Ctrl+D on an empty line to end. Chinese text is measured as two columns per character.
/// </summary>
internal sealed class LineEditor(TextWriter output, Func<string, IEnumerable<string>> complete)
{
    private readonly List<string> _history = [];

    /// <summary>Adds a line to the history (repeats of the last one are not).</summary>
    public void Remember(string line)
    {
        if (line.Length > 0 && (_history.Count == 0 || _history[^1] != line))
        {
            _history.Add(line);
        }
    }

    /// <summary>Reads one line; <see langword="null"/> at the end of input (Ctrl+D on an empty line).</summary>
    public string? ReadLine(string prompt)
    {
        var buffer = new StringBuilder();
        int cursor = 0;
        int recalled = _history.Count;
        string draft = string.Empty;
        bool listed = false;
        output.Write(prompt);
        output.Flush();
        while (true)
        {
            ConsoleKeyInfo key = Console.ReadKey(intercept: true);
            bool tab = false;
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    output.WriteLine();
                    return buffer.ToString();
                case ConsoleKey.Backspace when cursor > 0:
                    buffer.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < buffer.Length:
                    buffer.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < buffer.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                case ConsoleKey.A when key.Modifiers == ConsoleModifiers.Control:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                case ConsoleKey.E when key.Modifiers == ConsoleModifiers.Control:
                    cursor = buffer.Length;
                    break;
                case ConsoleKey.U when key.Modifiers == ConsoleModifiers.Control:
                    buffer.Clear();
                    cursor = 0;
                    break;
                case ConsoleKey.D when key.Modifiers == ConsoleModifiers.Control:
                    if (buffer.Length == 0)
                    {
                        output.WriteLine();
                        return null;
                    }

                    break;
                case ConsoleKey.UpArrow when recalled > 0:
                    draft = recalled == _history.Count ? buffer.ToString() : draft;
                    Replace(buffer, _history[--recalled], ref cursor);
                    break;
                case ConsoleKey.DownArrow when recalled < _history.Count:
                    recalled++;
                    Replace(buffer, recalled == _history.Count ? draft : _history[recalled], ref cursor);
                    break;
                case ConsoleKey.Tab:
                    tab = true;
                    listed = Complete(buffer, ref cursor, prompt, listed);
                    break;
                default:
                    if (key.KeyChar >= ' ' && !char.IsControl(key.KeyChar))
                    {
                        buffer.Insert(cursor++, key.KeyChar);
                    }

                    break;
            }

            listed &= tab;
            Redraw(prompt, buffer, cursor);
        }
    }

    private static void Replace(StringBuilder buffer, string text, ref int cursor)
    {
        buffer.Clear().Append(text);
        cursor = buffer.Length;
    }

    /// <summary>Completes the word before the cursor; lists the candidates when there is nothing more in common.</summary>
    private bool Complete(StringBuilder buffer, ref int cursor, string prompt, bool listed)
    {
        int start = cursor;
        while (start > 0 && IsWordChar(buffer[start - 1]))
        {
            start--;
        }

        string word = buffer.ToString(start, cursor - start);
        string[] candidates = [.. complete(word).Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (candidates.Length == 0)
        {
            return false;
        }

        string common = candidates.Length == 1 ? candidates[0] : CommonPrefix(candidates);
        if (common.Length > word.Length || (candidates.Length == 1 && common != word))
        {
            buffer.Remove(start, cursor - start).Insert(start, common);
            cursor = start + common.Length;
            return false;
        }

        if (!listed && candidates.Length > 1)
        {
            output.WriteLine();
            output.WriteLine("  " + string.Join("  ", candidates.Take(60)) + (candidates.Length > 60 ? "  …" : string.Empty));
            output.Write(prompt);
        }

        return true;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '$' or ':';

    private static string CommonPrefix(string[] words)
    {
        string prefix = words[0];
        foreach (string word in words)
        {
            int n = 0;
            while (n < prefix.Length && n < word.Length && char.ToUpperInvariant(prefix[n]) == char.ToUpperInvariant(word[n]))
            {
                n++;
            }

            prefix = prefix[..n];
        }

        return prefix;
    }

    /// <summary>Writes the prompt and the line again, clears what is left of the old one, and puts the cursor back.</summary>
    private void Redraw(string prompt, StringBuilder buffer, int cursor)
    {
        string text = buffer.ToString();
        output.Write("\r" + prompt + text + "\u001b[K");
        int back = ConditionEvaluator.DisplayWidth(text.AsSpan(cursor));
        if (back > 0)
        {
            output.Write(string.Create(CultureInfo.InvariantCulture, $"\u001b[{back}D"));
        }

        output.Flush();
    }
}
