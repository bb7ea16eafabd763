using System.Text;
using nietras.SeparatedValues;

namespace RuleEngine.Clues;

/// <summary>
/// Writes clues as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read Chinese text), one row
/// per clue: model, rule, version, dataset, line, subject, fingerprint, severity, title, action, and the evidence as
/// <c>field=value</c> pairs joined by <c>; </c>. A cell that a spreadsheet would run as a formula (starting with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return) is prefixed with <c>'</c>. Rows reach the
/// stream about 64 K characters at a time, and all of them at <see cref="FlushAsync"/> and <see cref="DisposeAsync"/>;
/// after a write that fails, the sink writes nothing more.
/// </summary>
/// <threadsafety instance="false"/>
public sealed class CsvClueSink : IClueSink, IAsyncDisposable
{
    private const int BufferCharacters = 64 * 1024;

    private static readonly string[] Columns = ["model", "rule", "version", "dataset", "line", "subject", "fingerprint", "severity", "title", "action", "evidence"];
    private readonly StreamWriter _text;
    private readonly SepWriter _writer;
    private readonly StringBuilder _evidence = new();
    private readonly bool _ownsStream;
    private bool _failed;

    /// <summary>Initializes a new instance of the <see cref="CsvClueSink"/> class.</summary>
    /// <param name="stream">The stream to write to.</param>
    /// <param name="ownsStream">Whether disposing the sink disposes the stream.</param>
    /// <param name="append">Whether the stream already holds the header and earlier clues (a resumed run): no byte-order mark, no header.</param>
    public CsvClueSink(Stream stream, bool ownsStream = false, bool append = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _ownsStream = ownsStream;
        // Rows gather in the writer's buffer and reach the stream 64 K characters at a time: a row is about 150
        // bytes, and a stream call per few rows cost more than the rows.
        _text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: !append), BufferCharacters, leaveOpen: !ownsStream) { NewLine = "\n" };
        _writer = Sep.New(',').Writer(o => o with { Escape = true, WriteHeader = !append }).To(_text);

        // The columns are named in their order so rows can set cells by position; Sep writes the header with the first
        // row, so a new file gets it now (a run without clues has one too) and an appended one never.
        _writer.Header.Add(Columns);
        if (!append)
        {
            _writer.Header.Write();
        }
    }

    /// <summary>Gets how many clues were written.</summary>
    public long Count { get; private set; }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clue);
        cancellationToken.ThrowIfCancellationRequested();
        // Written synchronously into the writer's buffer (Sep's asynchronous row writes the text writer once a row);
        // a row given a token must be disposed asynchronously, so the token was checked above instead.
        ThrowIfFailed();
        try
        {
            using (SepWriter.Row row = _writer.NewRow(CancellationToken.None))
            {
                // Cells by position, in the order of Columns (looking each name up cost a third of a row).
                row[0].Set(clue.ModelId ?? string.Empty);
                row[1].Set(clue.RuleId);
                row[2].Set(clue.RuleVersion);
                row[3].Set(clue.Dataset);
                row[4].Format(clue.Line);
                row[5].Set(Safe(clue.SubjectKey));
                row[6].Set(clue.Fingerprint);
                row[7].Set(clue.Severity switch { ClueSeverity.High => "high", ClueSeverity.Low => "low", _ => "medium" });
                row[8].Set(Safe(clue.Title));
                row[9].Set(Safe(clue.Action ?? string.Empty));
                row[10].Set(Safe(Evidence(clue)));
            }
        }
        catch
        {
            // The writer hands its buffer to the stream as it fills: a stream that failed leaves the file short.
            _failed = true;
            throw;
        }

        Count++;
    }

    /// <summary>Writes out everything written so far; a run calls it after its last clue.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the clues are in the stream.</returns>
    /// <exception cref="IOException">An earlier write failed: the sink writes nothing more.</exception>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        try
        {
            _writer.Flush();
            await _text.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>
    /// Writes the rows still buffered and closes the stream (when the sink owns it). After a write that failed — which
    /// the run was told of — the failure is not thrown a second time.
    /// </summary>
    /// <returns>A task that completes when the sink is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!_failed)
        {
            _writer.Dispose();
            await _text.DisposeAsync().ConfigureAwait(false);
        }
        else if (_ownsStream)
        {
            // The buffered rows are lost with the write that failed, which was already reported: the writers are not
            // flushed (they would try the stream again), only the stream is closed.
            await _text.BaseStream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ThrowIfFailed()
    {
        if (_failed)
        {
            throw new IOException("An earlier write of this clue sink failed; it writes nothing more.");
        }
    }

    /// <summary>A text a spreadsheet would run as a formula, defused.</summary>
    internal static string Safe(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    /// <summary>The evidence as <c>field=value</c> pairs joined by <c>; </c>.</summary>
    private string Evidence(Clue clue)
    {
        StringBuilder text = _evidence.Clear();
        foreach (EvidenceValue evidence in clue.Evidence)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(evidence.Field).Append('=').Append(Execution.ClueFactory.Format(evidence.Value));
        }

        return text.ToString();
    }
}
