namespace RuleEngine.Records;

/// <summary>
/// A reader that lets the CSV parser read at most a set number of characters for one row: a row is an unbounded
/// thing in CSV (an unclosed quote makes the rest of the file one field), and the parser would otherwise hold it all
/// in memory. The cursor resets the budget before each row.
/// </summary>
internal sealed class RowBoundedReader(TextReader inner, int maxRowChars) : TextReader
{
    private long _sinceRowStart;

    /// <summary>Starts the budget of the next row.</summary>
    public void NextRow() => _sinceRowStart = 0;

    public override int Read(Span<char> buffer) => Count(inner.Read(buffer));

    public override int Read(char[] buffer, int index, int count) => Count(inner.Read(buffer, index, count));

    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask();

    public override int Read()
    {
        int c = inner.Read();
        Count(c < 0 ? 0 : 1);
        return c;
    }

    public override int Peek() => inner.Peek();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _sinceRowStart += read;
        if (_sinceRowStart > maxRowChars + (64 * 1024))
        {
            // The slack is the parser's read-ahead: what it buffers of the following rows.
            throw new RowTooLongException();
        }

        return read;
    }
}

/// <summary>A CSV row longer than the source allows.</summary>
internal sealed class RowTooLongException : Exception
{
    public RowTooLongException()
        : base("A CSV row is longer than the limit.")
    {
    }

    public RowTooLongException(string message)
        : base(message)
    {
    }

    public RowTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
