namespace RuleEngine.Records;

/// <summary>
/// The text of a record that a reader split into fields but left to a run's workers to parse
/// (<see cref="RecordCursor.Complete"/>): the fields the run reads, one after another, and the whole row for a
/// rejection. Held by its <see cref="Record"/> and reused, so deferring allocates nothing once buffers have grown.
/// </summary>
internal sealed class PendingText(int fields)
{
    private readonly int[] _starts = new int[fields];
    private readonly int[] _lengths = new int[fields];
    private char[] _chars = new char[256];
    private int _used;
    private int _rowStart;
    private int _rowLength;

    /// <summary>Gets or sets a value indicating whether the record still waits to be parsed.</summary>
    public bool Active { get; set; }

    /// <summary>Gets the whole row as read.</summary>
    public ReadOnlySpan<char> Row => _chars.AsSpan(_rowStart, _rowLength);

    /// <summary>Starts a new record.</summary>
    public void Clear()
    {
        _used = 0;
        Active = false;
    }

    /// <summary>Keeps a field's text.</summary>
    public void Add(int field, ReadOnlySpan<char> text)
    {
        _starts[field] = Append(text);
        _lengths[field] = text.Length;
    }

    /// <summary>Keeps the whole row.</summary>
    public void AddRow(ReadOnlySpan<char> row)
    {
        _rowStart = Append(row);
        _rowLength = row.Length;
    }

    /// <summary>A field's text.</summary>
    public ReadOnlySpan<char> Field(int field) => _chars.AsSpan(_starts[field], _lengths[field]);

    private int Append(ReadOnlySpan<char> text)
    {
        if (_used + text.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + text.Length));
        }

        int start = _used;
        text.CopyTo(_chars.AsSpan(start));
        _used += text.Length;
        return start;
    }
}
