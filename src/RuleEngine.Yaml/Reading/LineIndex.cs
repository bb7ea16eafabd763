namespace RuleEngine.Yaml.Reading;

/// <summary>Turns character indexes of a file's text into 1-based lines and columns.</summary>
internal sealed class LineIndex
{
    private readonly List<int> _lineStarts = [0];

    public LineIndex(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public (int Line, int Column) Position(int index)
    {
        int line = _lineStarts.BinarySearch(index);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return (line + 1, index - _lineStarts[line] + 1);
    }
}
