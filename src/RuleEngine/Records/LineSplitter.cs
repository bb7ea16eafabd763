namespace RuleEngine.Records;

/// <summary>
/// Splits a byte stream into lines with a bounded buffer: a line longer than the limit is reported as too long
/// and skipped up to the next newline, so one giant line never takes the memory of the process.
/// </summary>
internal sealed class LineSplitter(Stream stream, int maxLineBytes)
{
    private byte[] _buffer = new byte[Math.Min(64 * 1024, maxLineBytes + 1)];
    private int _start;
    private int _end;
    private bool _eof;

    public long LineNumber { get; private set; }

    /// <summary>Reads the next line (without its line break).</summary>
    /// <returns><see langword="false"/> at the end of the stream.</returns>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out bool tooLong)
    {
        tooLong = false;
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = TrimCarriageReturn(_buffer.AsSpan(_start, newline));
                _start += newline + 1;
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                if (_start == _end)
                {
                    line = default;
                    return false;
                }

                line = TrimCarriageReturn(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                LineNumber++;
                return true;
            }

            if (_end - _start > maxLineBytes)
            {
                LineNumber++;
                SkipToNextLine();
                tooLong = true;
                line = default;
                return true;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, maxLineBytes + 1 + 4096));
        }

        int read = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private void SkipToNextLine()
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _start += newline + 1;
                return;
            }

            _start = _end = 0;
            int read = stream.Read(_buffer, 0, _buffer.Length);
            if (read == 0)
            {
                _eof = true;
                return;
            }

            _end = read;
        }
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
