namespace RuleEngine.Records;

/// <summary>
/// The text of a record that a reader split off but left to a run's workers to parse
/// (<see cref="RecordCursor.Complete"/>): for CSV, the fields the run reads one after another and the whole row for a
/// rejection; for JSON Lines, the line's UTF-8 bytes. Held by its <see cref="Record"/> and reused, so deferring
/// allocates nothing once buffers have grown.
/// </summary>
internal sealed class PendingText(int fields)
{
    private readonly int[] _starts = new int[fields];
    private readonly int[] _lengths = new int[fields];
    private char[] _chars = new char[256];
    private int _used;
    private int _rowStart;
    private int _rowLength;
    private byte[] _bytes = [];
    private int _byteLength;

    /// <summary>Gets or sets a value indicating whether the record still waits to be parsed.</summary>
    public bool Active { get; set; }

    /// <summary>Gets the whole row as read.</summary>
    public ReadOnlySpan<char> Row => _chars.AsSpan(_rowStart, _rowLength);

    /// <summary>Gets the line's bytes (JSON Lines).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _byteLength);

    /// <summary>Gets or sets what the reader's parser keeps per record (its buffers), so that workers parse without sharing any.</summary>
    public object? ParserState { get; set; }

    /// <summary>Keeps a line's bytes.</summary>
    public void SetBytes(ReadOnlySpan<byte> line)
    {
        if (_bytes.Length < line.Length)
        {
            _bytes = new byte[Math.Max(line.Length, _bytes.Length * 2)];
        }

        line.CopyTo(_bytes);
        _byteLength = line.Length;
    }

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
