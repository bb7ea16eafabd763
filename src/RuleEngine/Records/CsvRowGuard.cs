namespace RuleEngine.Records;

/// <summary>
/// Stands between a CSV file's text and the CSV parser and hands the parser only whole rows, so that one bad quote
/// or one giant line costs one row, never the rest of the file. It follows the quoting of each row as the parser
/// will (every <c>"</c> toggles it; a line break inside quotes belongs to the field) and steps in in three cases:
/// <list type="bullet">
/// <item>a quote opened on line L does not close within <see cref="CsvSourceOptions.MaxRecordLines"/> lines or
/// <see cref="CsvSourceOptions.MaxRecordChars"/> characters, or before the end of the file;</item>
/// <item>a quoted field spanning lines closes, but the row it makes has a different number of fields than the
/// header: a stray quote, not an embedded line break, so it would swallow the lines up to the next quote;</item>
/// <item>a single line is longer than <see cref="CsvSourceOptions.MaxRecordChars"/>.</item>
/// </list>
/// In each case line L reaches the parser as an empty line (so line numbers stay true), its rejection is queued for
/// the cursor (<see cref="TryTakeRejection"/>), and reading resynchronises at line L + 1, which is parsed afresh.
/// Memory is bounded by the row limit. It counts the physical lines it has read (<see cref="Lines"/>), with the
/// parser's line-break rules: <c>\r\n</c>, <c>\n</c> and a lone <c>\r</c> each end a line.
/// </summary>
internal sealed class CsvRowGuard : TextReader
{
    private const int ReadChunk = 64 * 1024;
    private readonly TextReader _inner;
    private readonly char _separator;
    private readonly int _maxRowChars;
    private readonly int _maxRowLines;
    private readonly Queue<GuardedLine> _rejections = new();
    private char[] _buffer = new char[ReadChunk * 2];
    private int _emit;      // first character not yet handed to the parser
    private int _committed; // end of the whole rows the parser may have
    private int _end;       // end of the characters read
    private bool _eof;
    private long _line = 1; // the physical line the next row starts on
    private int _headerFields = -1;

    public CsvRowGuard(TextReader inner, char separator, int maxRowChars, int maxRowLines)
    {
        _inner = inner;
        _separator = separator;
        _maxRowChars = maxRowChars;
        _maxRowLines = maxRowLines;
    }

    /// <summary>Gets how many physical lines have been read so far (a last line without a line break counts).</summary>
    public long Lines { get; private set; }

    /// <summary>Takes the rejection of <paramref name="line"/>, if the guard replaced that line with an empty one.</summary>
    public bool TryTakeRejection(long line, out GuardedLine rejection)
    {
        while (_rejections.TryPeek(out GuardedLine? head) && head.Line < line)
        {
            _rejections.Dequeue();
        }

        if (_rejections.TryPeek(out GuardedLine? next) && next.Line == line)
        {
            rejection = _rejections.Dequeue();
            return true;
        }

        rejection = null!;
        return false;
    }

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        // As many whole rows as fit: the parser reads in blocks, and a block of one row would cost it a refill per row.
        // A row is scanned only once everything committed before it has been handed on (a rejected line is cut out
        // of the buffer where the next row starts).
        int written = 0;
        while (written < buffer.Length)
        {
            if (_emit == _committed && !CommitNextRow())
            {
                break;
            }

            int count = Math.Min(buffer.Length - written, _committed - _emit);
            _buffer.AsSpan(_emit, count).CopyTo(buffer[written..]);
            _emit += count;
            written += count;
        }

        return written;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => Task.FromResult(Read(buffer.AsSpan(index, count)));

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Peek() => throw new NotSupportedException("The CSV parser reads in blocks.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Scans the next row from <see cref="_committed"/> and commits it (or the empty line that replaces its first line).</summary>
    /// <returns><see langword="false"/> at the end of the text.</returns>
    private bool CommitNextRow()
    {
        int start = _committed;
        bool quoted = false;
        int lines = 0;            // line breaks inside the row so far
        int firstBreak = -1;      // where the row's first line break starts, and ends
        int firstBreakEnd = -1;
        int lastOpen = -1;        // offset from the row's start of the quote that opened the current quoted text
        int spanOpen = -1;        // offset of the quote that opened the quoted text spanning the row's first line break
        int pos = start;

        // Reads more text; what was handed on already moves out of the buffer, and every position here moves with it.
        void Refill()
        {
            int shift = Fill(ref start);
            pos -= shift;
            if (firstBreak >= 0)
            {
                firstBreak -= shift;
                firstBreakEnd -= shift;
            }
        }

        while (true)
        {
            if (pos == _end)
            {
                if (!_eof)
                {
                    Refill();
                    continue;
                }

                if (pos == start)
                {
                    return false;
                }

                if (quoted)
                {
                    // The file ends inside quotes: everything from the row's first line on would be one field.
                    return firstBreak < 0
                        ? RejectLastLine(start, lastOpen)
                        : Reject(firstBreak, firstBreakEnd, new GuardedLine(_line, Diagnostics.DiagnosticIds.MalformedRecord, $"A quote opened on this line does not close before the end of the file; it would swallow the {lines} line(s) after it. The line is rejected and reading resumes on the next line.", Raw(start, firstBreak)));
                }

                return Commit(start, pos, lines + 1, lastHasBreak: false);
            }

            int next = _buffer.AsSpan(pos, _end - pos).IndexOfAny('"', '\n', '\r');
            if (next < 0)
            {
                pos = _end;
                if (pos - start > _maxRowChars)
                {
                    return Overflow(start, pos, quoted, lines, firstBreak, firstBreakEnd);
                }

                continue;
            }

            pos += next;
            char c = _buffer[pos];
            if (c == '"')
            {
                quoted = !quoted;
                if (quoted)
                {
                    lastOpen = pos - start;
                }

                pos++;
                continue;
            }

            // A line break: \r\n is one; at the end of the read text a \r waits to see whether \n follows.
            if (c == '\r' && pos + 1 == _end && !_eof)
            {
                Refill();
                continue;
            }

            int breakEnd = c == '\r' && pos + 1 < _end && _buffer[pos + 1] == '\n' ? pos + 2 : pos + 1;
            if (!quoted)
            {
                if (pos - start > _maxRowChars)
                {
                    return lines == 0
                        ? Reject(pos, breakEnd, TooLong(Raw(start, pos), quotedLine: false))
                        : Reject(firstBreak, firstBreakEnd, new GuardedLine(_line, Diagnostics.DiagnosticIds.MalformedRecord, $"A quote opened on this line does not close within {_maxRowChars} characters; the line is rejected and reading resumes on the next line.", Raw(start, firstBreak)));
                }

                if (lines > 0 && spanOpen > 0 && _buffer[start + spanOpen - 1] != _separator)
                {
                    return Reject(firstBreak, firstBreakEnd, new GuardedLine(_line, Diagnostics.DiagnosticIds.MalformedRecord, $"A quote in the middle of a field on this line opens text that runs to line {_line + lines}: a stray quote that would swallow {lines} line(s) (a quoted field starts with its quote). The line is rejected and reading resumes on the next line.", Raw(start, firstBreak)));
                }

                if (lines > 0 && _headerFields >= 0 && CountFields(start, pos) != _headerFields)
                {
                    return Reject(firstBreak, firstBreakEnd, new GuardedLine(_line, Diagnostics.DiagnosticIds.MalformedRecord, $"A quote opened on this line closes only on line {_line + lines}, making a row of {CountFields(start, pos)} field(s) where the header has {_headerFields}: a stray quote that would swallow {lines} line(s). The line is rejected and reading resumes on the next line.", Raw(start, firstBreak)));
                }

                return Commit(start, breakEnd, lines + 1, lastHasBreak: true);
            }

            lines++;
            if (firstBreak < 0)
            {
                firstBreak = pos;
                firstBreakEnd = breakEnd;
                spanOpen = lastOpen;
            }

            pos = breakEnd;
            if (lines >= _maxRowLines)
            {
                return Reject(firstBreak, firstBreakEnd, new GuardedLine(_line, Diagnostics.DiagnosticIds.MalformedRecord, $"A quote opened on this line does not close within {_maxRowLines} lines; it would swallow at least that many. The line is rejected and reading resumes on the next line.", Raw(start, firstBreak)));
            }

            if (pos - start > _maxRowChars)
            {
                return Overflow(start, pos, quoted, lines, firstBreak, firstBreakEnd);
            }
        }
    }

    /// <summary>A row past the character limit: inside quotes that span lines, its first line is rejected; otherwise the one giant line is skipped.</summary>
    private bool Overflow(int start, int pos, bool quoted, int lines, int firstBreak, int firstBreakEnd)
    {
        if (lines > 0)
        {
            return Reject(firstBreak, firstBreakEnd, new GuardedLine(_line, Diagnostics.DiagnosticIds.MalformedRecord, $"A quote opened on this line does not close within {_maxRowChars} characters; the line is rejected and reading resumes on the next line.", Raw(start, firstBreak)));
        }

        // One line longer than the limit: drop what was read of it (what came before it was handed on already), skip
        // to its line break without holding it, and hand on "\n" in its place.
        string raw = Raw(start, Math.Min(pos, start + 200));
        _emit = _committed = _end = 0;
        int breakEnd;
        while (true)
        {
            int lineBreak = _buffer.AsSpan(0, _end).IndexOfAny('\n', '\r');
            if (lineBreak < 0)
            {
                _end = 0;
                if (!ReadMore())
                {
                    breakEnd = 0; // the giant line is the file's last and has no line break
                    break;
                }

                continue;
            }

            if (_buffer[lineBreak] == '\r' && lineBreak + 1 == _end && !_eof)
            {
                // A \r at the end of what was read: keep it, and read on to see whether \n follows.
                _buffer[0] = '\r';
                _end = 1;
                ReadMore();
                continue;
            }

            breakEnd = _buffer[lineBreak] == '\r' && lineBreak + 1 < _end && _buffer[lineBreak + 1] == '\n' ? lineBreak + 2 : lineBreak + 1;
            break;
        }

        Queue(TooLong(raw, quoted));
        int rest = _end - breakEnd;
        Array.Copy(_buffer, breakEnd, _buffer, 1, rest);
        _buffer[0] = '\n';
        _end = rest + 1;
        return Commit(0, 1, 1, lastHasBreak: true);
    }

    private GuardedLine TooLong(string raw, bool quotedLine) =>
        new(_line, Diagnostics.DiagnosticIds.RecordTooLarge, $"The line is longer than {_maxRowChars} characters{(quotedLine ? " (an unclosed quote, perhaps)" : string.Empty)}; it is rejected and reading resumes on the next line.", raw);

    /// <summary>Replaces the row's first line with an empty line, queues its rejection, and lets the next row start on the following line.</summary>
    private bool Reject(int firstBreak, int firstBreakEnd, GuardedLine rejection)
    {
        Queue(rejection);

        // The characters of the line are skipped; its line break is handed on, so the parser sees an empty line L.
        _emit = firstBreak;
        _committed = firstBreakEnd;
        Lines++;
        _line++;
        return true;
    }

    /// <summary>
    /// The file's last line, without a line break, opens a quote that never closes: the parser would read it as some
    /// number of fields, one of them running to the end. It is rejected as such, replaced by an empty line; a header
    /// line is handed on as it is, for the header's own error.
    /// </summary>
    private bool RejectLastLine(int start, int open)
    {
        if (_headerFields < 0)
        {
            return Commit(start, _end, lines: 1, lastHasBreak: false);
        }

        Queue(new GuardedLine(_line, Diagnostics.DiagnosticIds.MalformedRecord, $"A quote opened at column {open + 1} of this line, the file's last, does not close; the line is rejected.", Raw(start, _end)));
        _buffer[start] = '\n';
        _end = start + 1;
        return Commit(start, _end, lines: 1, lastHasBreak: true);
    }

    private bool Commit(int start, int end, int lines, bool lastHasBreak)
    {
        if (_headerFields < 0 && end > start)
        {
            _headerFields = CountFields(start, lastHasBreak ? LineContentEnd(start, end) : end);
        }

        _committed = end;
        Lines += lines;
        _line += lines;
        return true;
    }

    private int LineContentEnd(int start, int end)
    {
        int e = end;
        while (e > start && _buffer[e - 1] is '\n' or '\r')
        {
            e--;
        }

        return e;
    }

    private void Queue(GuardedLine rejection)
    {
        _rejections.Enqueue(rejection);
    }

    /// <summary>Fields of a row as the parser counts them: separators outside quotes, plus one.</summary>
    private int CountFields(int start, int end)
    {
        int fields = 1;
        bool quoted = false;
        foreach (char c in _buffer.AsSpan(start, end - start))
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == _separator && !quoted)
            {
                fields++;
            }
        }

        return fields;
    }

    private string Raw(int start, int end) => new(_buffer, start, Math.Min(end - start, 200));

    /// <summary>Moves the unread text to the front of the buffer (growing it when a row needs more room) and reads more.</summary>
    /// <returns>How far the text moved left.</returns>
    private int Fill(ref int start)
    {
        int shift = _emit;
        if (shift > 0)
        {
            Array.Copy(_buffer, shift, _buffer, 0, _end - shift);
            _end -= shift;
            _committed -= shift;
            _emit = 0;
            start -= shift;
        }

        ReadMore();
        return shift;
    }

    private bool ReadMore()
    {
        if (_buffer.Length - _end < ReadChunk)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + ReadChunk));
        }

        int read = _inner.Read(_buffer, _end, ReadChunk);
        if (read == 0)
        {
            _eof = true;
            return false;
        }

        _end += read;
        return true;
    }
}

/// <summary>A line that the <see cref="CsvRowGuard"/> replaced with an empty line, and why.</summary>
/// <param name="Line">The physical line.</param>
/// <param name="Code">The diagnostic code of the rejection.</param>
/// <param name="Message">What happened, and that reading went on at the next line.</param>
/// <param name="Raw">The start of the line (at most 200 characters), for the dead-letter sink.</param>
internal sealed record GuardedLine(long Line, string Code, string Message, string Raw);
