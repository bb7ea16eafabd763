using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Excel;

/// <summary>Record sources over .xlsx workbooks, the format government exports often arrive in.</summary>
public static class ExcelSource
{
    /// <summary>
    /// Reads the rows of a sheet as records of <paramref name="schema"/>, streaming: the header row names the columns
    /// (a field's source name first, then its name), and each cell converts to its field's type as a CSV cell would;
    /// a cell that does not convert rejects its row (with its row number), an empty row is counted as blank.
    /// </summary>
    /// <param name="path">The .xlsx file.</param>
    /// <param name="schema">The schema of the records.</param>
    /// <param name="options">The sheet, the header row, the list separator; <see langword="null"/> for the defaults.</param>
    /// <returns>The record source; the file is opened when a run reads it.</returns>
    public static RecordSource Open(string path, DatasetSchema schema, ExcelSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        return new ExcelRecordSource(schema, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), options ?? new ExcelSourceOptions()) { Length = RecordSource.LengthOf(path) };
    }

    /// <summary>Reads the rows of a sheet of a workbook in a seekable stream, as <see cref="Open(string, DatasetSchema, ExcelSourceOptions?)"/> does.</summary>
    /// <param name="stream">The workbook; it must be seekable (an .xlsx is a zip archive). It is not disposed.</param>
    /// <param name="schema">The schema of the records.</param>
    /// <param name="options">The sheet, the header row, the list separator; <see langword="null"/> for the defaults.</param>
    /// <returns>The record source, which can be read once.</returns>
    public static RecordSource Open(Stream stream, DatasetSchema schema, ExcelSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(schema);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("An .xlsx workbook is a zip archive: the stream must be seekable.", nameof(stream));
        }

        return new ExcelRecordSource(schema, () => new NonClosingStream(stream), options ?? new ExcelSourceOptions());
    }

    /// <summary>Keeps the caller's stream open when the cursor disposes what it read from.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
