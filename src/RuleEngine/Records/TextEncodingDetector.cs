using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace RuleEngine.Records;

/// <summary>
/// Chooses the encoding of a text file: a byte-order mark; else UTF-8 when the start of the file reads as UTF-8, allowing
/// a few damaged characters among many good ones; else GB18030 (domain.md §3.8).
/// </summary>
internal static class TextEncodingDetector
{
    private const int SampleSize = 64 * 1024;

    /// <summary>
    /// How many valid non-ASCII UTF-8 characters a sample needs per invalid sequence to be read as UTF-8 all the same.
    /// GB18030 text read as UTF-8 gives about one valid character per five invalid sequences (a lead byte in C2–DF
    /// followed by a trail byte in 80–BF, by chance); a UTF-8 export with a damaged line gives hundreds per one.
    /// </summary>
    private const int ValidPerInvalid = 8;

    private static readonly Lazy<Encoding> Gb18030Encoding = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(54936);
    });

    public static Encoding Gb18030 => Gb18030Encoding.Value;

    /// <summary>Opens a reader over <paramref name="stream"/>; invalid bytes become U+FFFD, which field parsing rejects.</summary>
    public static TextReader OpenReader(Stream stream, Encoding? declared, bool leaveOpen)
    {
        if (declared is not null)
        {
            return new StreamReader(stream, declared, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: leaveOpen);
        }

        (Encoding encoding, Stream replay) = Sample(stream, leaveOpen);
        return new StreamReader(replay, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: false);
    }

    /// <summary>
    /// Opens <paramref name="stream"/> as UTF-8 bytes: as it is when it is UTF-8 (declared or detected; a byte-order mark
    /// is left for the reader), converted to UTF-8 as it is read otherwise (GB18030, UTF-16). Bytes invalid in the
    /// source encoding become U+FFFD.
    /// </summary>
    public static Stream OpenUtf8(Stream stream, Encoding? declared, bool leaveOpen)
    {
        Encoding encoding;
        Stream replay;
        if (declared is not null)
        {
            encoding = declared;
            replay = leaveOpen ? new PrefixedStream(ReadOnlyMemory<byte>.Empty, stream, leaveOpen: true) : stream;
        }
        else
        {
            (encoding, replay) = Sample(stream, leaveOpen);
        }

        return encoding.CodePage == Encoding.UTF8.CodePage ? replay : Encoding.CreateTranscodingStream(replay, encoding, new UTF8Encoding(false), leaveOpen: false);
    }

    /// <summary>Reads the start of the stream, detects its encoding there, and gives a stream that replays the start and then reads on.</summary>
    private static (Encoding Encoding, Stream Replay) Sample(Stream stream, bool leaveOpen)
    {
        byte[] sample = new byte[SampleSize];
        int length = 0;
        int read;
        while (length < sample.Length && (read = stream.Read(sample, length, sample.Length - length)) > 0)
        {
            length += read;
        }

        return (Detect(sample.AsSpan(0, length), endOfStream: length < sample.Length), new PrefixedStream(sample.AsMemory(0, length), stream, leaveOpen));
    }

    public static Encoding Detect(ReadOnlySpan<byte> sample, bool endOfStream)
    {
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }

        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || sample.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.Unicode;
        }

        ReadOnlySpan<byte> checkable = endOfStream ? sample : TrimIncompleteSequence(sample);
        return Utf8.IsValid(checkable) || MostlyUtf8(checkable) ? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false) : Gb18030;
    }

    /// <summary>
    /// Whether a sample that is not wholly valid UTF-8 is UTF-8 with a few damaged bytes (read as UTF-8, so that only the
    /// records holding them are rejected) rather than text in another encoding (decoding the whole file as GB18030).
    /// </summary>
    private static bool MostlyUtf8(ReadOnlySpan<byte> sample)
    {
        int valid = 0;
        int invalid = 0;
        while (true)
        {
            int next = sample.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (next < 0)
            {
                break;
            }

            sample = sample[next..];
            OperationStatus status = Rune.DecodeFromUtf8(sample, out _, out int consumed);
            if (status == OperationStatus.Done)
            {
                valid++;
            }
            else
            {
                invalid++;
            }

            sample = sample[consumed..];
        }

        return valid >= ValidPerInvalid * invalid;
    }

    private static ReadOnlySpan<byte> TrimIncompleteSequence(ReadOnlySpan<byte> sample)
    {
        for (int back = 1; back <= Math.Min(3, sample.Length); back++)
        {
            byte b = sample[^back];
            if ((b & 0xC0) == 0xC0)
            {
                return sample[..^back];
            }

            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        return sample;
    }

    /// <summary>Replays the bytes already sampled, then the rest of the stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner, bool leaveOpen) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_prefix.IsEmpty)
            {
                int n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span[..n].CopyTo(buffer);
                _prefix = _prefix[n..];
                return n;
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
