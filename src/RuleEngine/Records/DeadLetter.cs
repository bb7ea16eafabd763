using System.Text.Encodings.Web;
using System.Text.Json;

namespace RuleEngine.Records;

/// <summary>
/// A record that could not be read, or a rule that could not be evaluated on it, as a dead-letter sink receives it:
/// where and why (never a value), and the record's raw text only as the host's protector made it.
/// </summary>
/// <param name="Rejection">Where and why.</param>
/// <param name="Payload">The raw record as <see cref="RunOptions.ProtectDeadLetter"/> returned it (encrypted, masked…); <see langword="null"/> without a protector, or when the source has no raw text (object sources, rule errors).</param>
public sealed record DeadLetter(RecordRejection Rejection, string? Payload);

/// <summary>Receives every rejected record and rule error of a run, in input order (<see cref="RunOptions.DeadLetters"/>).</summary>
public interface IDeadLetterSink
{
    /// <summary>Writes one dead letter.</summary>
    /// <param name="letter">The dead letter.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the letter is written.</returns>
    ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes out the dead letters the sink still holds. A run calls it once it has handed over its last dead letter,
    /// so that a sink that cannot write them fails the run with RE5014 rather than failing later, when it is disposed.
    /// The default does nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the dead letters are written.</returns>
    ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

/// <summary>
/// Writes dead letters as JSON Lines: <c>{"dataset","line","code","field"?,"rule"?,"message","payload"?}</c>. The raw
/// record is personal data: a payload exists only where the host set <see cref="RunOptions.ProtectDeadLetter"/>;
/// otherwise a dead letter says where the record is and why, and the source file holds the rest.
/// </summary>
/// <threadsafety instance="false"/>
public sealed class JsonLinesDeadLetterSink : IDeadLetterSink, IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private bool _failed;

    /// <summary>Initializes a new instance of the <see cref="JsonLinesDeadLetterSink"/> class.</summary>
    /// <param name="stream">The stream to write to.</param>
    /// <param name="ownsStream">Whether disposing the sink disposes the stream.</param>
    public JsonLinesDeadLetterSink(Stream stream, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = ownsStream;
    }

    /// <summary>Gets how many dead letters were written.</summary>
    public long Count { get; private set; }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letter);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            RecordRejection rejection = letter.Rejection;
            writer.WriteStartObject();
            writer.WriteString("dataset", rejection.Dataset);
            writer.WriteNumber("line", rejection.Line);
            writer.WriteString("code", rejection.Code);
            if (rejection.Field is { } field)
            {
                writer.WriteString("field", field);
            }

            if (rejection.RuleId is { } rule)
            {
                writer.WriteString("rule", rule);
            }

            writer.WriteString("message", rejection.Message);
            if (letter.Payload is { } payload)
            {
                writer.WriteString("payload", payload);
            }

            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        ThrowIfFailed();
        try
        {
            await _stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _failed = true;
            throw;
        }

        Count++;
    }

    /// <summary>Flushes the stream; a run calls it after its last dead letter.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the dead letters are in the stream.</returns>
    /// <exception cref="IOException">An earlier write failed: the sink writes nothing more.</exception>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        try
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Flushes and closes the stream (when the sink owns it); after a write that failed — which the run was told of — the failure is not thrown again.</summary>
    /// <returns>A task that completes when the sink is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_failed)
            {
                await _stream.FlushAsync().ConfigureAwait(false);
            }

            if (_ownsStream)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (IOException) when (_failed)
        {
            // The stream's buffered bytes are lost with the write that failed, which was already reported.
        }
    }

    private void ThrowIfFailed()
    {
        if (_failed)
        {
            throw new IOException("An earlier write of this dead-letter sink failed; it writes nothing more.");
        }
    }
}
