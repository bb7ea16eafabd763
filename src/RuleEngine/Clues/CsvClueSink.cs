using System.Text;
using nietras.SeparatedValues;

namespace RuleEngine.Clues;

/// <summary>
/// Writes clues as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read Chinese text), one row
/// per clue: model, rule, version, dataset, line, subject, fingerprint, severity, title, action, and the evidence as
/// <c>field=value</c> pairs joined by <c>; </c>. A cell that a spreadsheet would run as a formula (starting with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return) is prefixed with <c>'</c>.
/// </summary>
/// <threadsafety instance="false"/>
public sealed class CsvClueSink : IClueSink, IAsyncDisposable
{
    private static readonly string[] Columns = ["model", "rule", "version", "dataset", "line", "subject", "fingerprint", "severity", "title", "action", "evidence"];
    private readonly StreamWriter _text;
    private readonly SepWriter _writer;

    /// <summary>Initializes a new instance of the <see cref="CsvClueSink"/> class.</summary>
    /// <param name="stream">The stream to write to.</param>
    /// <param name="ownsStream">Whether disposing the sink disposes the stream.</param>
    /// <param name="append">Whether the stream already holds the header and earlier clues (a resumed run): no byte-order mark, no header.</param>
    public CsvClueSink(Stream stream, bool ownsStream = false, bool append = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: !append), leaveOpen: !ownsStream) { NewLine = "\n" };
        _writer = Sep.New(',').Writer(o => o with { Escape = true, WriteHeader = !append }).To(_text);
        if (!append)
        {
            WriteHeader();
        }
    }

    /// <summary>Gets how many clues were written.</summary>
    public long Count { get; private set; }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clue);
        cancellationToken.ThrowIfCancellationRequested();
        await using (SepWriter.Row row = _writer.NewRow(cancellationToken))
        {
            row["model"].Set(clue.ModelId ?? string.Empty);
            row["rule"].Set(clue.RuleId);
            row["version"].Set(clue.RuleVersion);
            row["dataset"].Set(clue.Dataset);
            row["line"].Format(clue.Line);
            row["subject"].Set(Safe(clue.SubjectKey));
            row["fingerprint"].Set(clue.Fingerprint);
            row["severity"].Set(clue.Severity switch { ClueSeverity.High => "high", ClueSeverity.Low => "low", _ => "medium" });
            row["title"].Set(Safe(clue.Title));
            row["action"].Set(Safe(clue.Action ?? string.Empty));
            row["evidence"].Set(Safe(string.Join("; ", clue.Evidence.Select(e => e.Field + "=" + Execution.ClueFactory.Format(e.Value)))));
        }

        Count++;
    }

    /// <summary>Writes out everything written so far.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the clues are in the stream.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        _writer.Flush();
        await _text.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _writer.Dispose();
        await _text.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A text a spreadsheet would run as a formula, defused.</summary>
    internal static string Safe(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private void WriteHeader()
    {
        // Sep writes the header with the first row; a run without clues still gets one.
        _writer.Header.Add(Columns);
        _writer.Header.Write();
    }
}
