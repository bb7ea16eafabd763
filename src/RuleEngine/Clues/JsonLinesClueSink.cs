using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RuleEngine.Clues;

/// <summary>
/// Writes clues as JSON Lines (one object per line, UTF-8), with a fixed property order so equal runs give
/// byte-identical files. Dates are <c>yyyy-MM-dd</c>; decimals keep their digits. Clues reach the stream about 64 KB
/// at a time, one write under way while the next clues gather, and all of them at <see cref="FlushAsync"/> and
/// <see cref="DisposeAsync"/>; a write that fails fails the next call, and the sink then writes nothing more.
/// </summary>
public sealed class JsonLinesClueSink : IClueSink, IAsyncDisposable
{
    /// <summary>How many bytes of clues are gathered before they are written to the stream in one call.</summary>
    private const int WriteAt = 64 * 1024;

    // The structure written is this class's own (Write below), so the writer does not check it again for every clue.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false, SkipValidation = true };
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly Utf8JsonWriter _writer;
    private ArrayBufferWriter<byte> _pending = new(WriteAt + (WriteAt / 4));
    private ArrayBufferWriter<byte> _sending = new(WriteAt + (WriteAt / 4));
    private Task _send = Task.CompletedTask;
    private bool _failed;
    private readonly EncodedTexts _texts = new();

    /// <summary>Initializes a new instance of the <see cref="JsonLinesClueSink"/> class.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="ownsStream">Whether disposing the sink disposes the stream.</param>
    public JsonLinesClueSink(Stream stream, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = ownsStream;
        _writer = new Utf8JsonWriter(_pending, WriterOptions);
    }

    /// <summary>Gets how many clues were written.</summary>
    public long Count { get; private set; }

    /// <summary>Formats one clue as a single JSON line (without the line break).</summary>
    /// <param name="clue">The clue.</param>
    /// <returns>The JSON text.</returns>
    public static string Format(Clue clue)
    {
        ArgumentNullException.ThrowIfNull(clue);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, clue);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clue);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFailed();
        // Clues gather in memory and reach the stream 64 KB at a time: one stream call per clue cost more than the JSON.
        Write(_writer, clue, _texts);
        _writer.Reset();
        _pending.GetSpan(1)[0] = (byte)'\n';
        _pending.Advance(1);
        Count++;
        if (_pending.WrittenCount >= WriteAt)
        {
            await HandOffAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts writing the gathered clues and gathers the next ones in the other buffer meanwhile: the stream gets one
    /// write at a time, in order, and a failed write fails the next call.
    /// </summary>
    private async ValueTask HandOffAsync(CancellationToken cancellationToken)
    {
        await SentAsync().ConfigureAwait(false);
        (_pending, _sending) = (_sending, _pending);
        _pending.ResetWrittenCount();
        _writer.Reset(_pending);
        try
        {
            _send = _stream.WriteAsync(_sending.WrittenMemory, cancellationToken).AsTask();
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Waits for the write under way; one that failed marks the sink failed and is thrown, once.</summary>
    private async ValueTask SentAsync()
    {
        try
        {
            await _send.ConfigureAwait(false);
        }
        catch
        {
            _failed = true;
            _send = Task.CompletedTask;
            throw;
        }
    }

    private async ValueTask WritePendingAsync(CancellationToken cancellationToken)
    {
        await SentAsync().ConfigureAwait(false);
        if (_pending.WrittenCount > 0)
        {
            await Guarded(_stream.WriteAsync(_pending.WrittenMemory, cancellationToken)).ConfigureAwait(false);
            _pending.ResetWrittenCount();
        }
    }

    /// <summary>Awaits a write to the stream; one that fails marks the sink failed.</summary>
    private async ValueTask Guarded(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Writes the gathered clues to the stream and flushes it; a run calls it after its last clue.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the clues are in the stream.</returns>
    /// <exception cref="IOException">An earlier write failed: the sink writes nothing more.</exception>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        await WritePendingAsync(cancellationToken).ConfigureAwait(false);
        await Guarded(new ValueTask(_stream.FlushAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the clues still gathered and closes the stream (when the sink owns it). After a write that failed — which
    /// the run was told of — nothing more is written and the failure is not thrown a second time.
    /// </summary>
    /// <returns>A task that completes when the sink is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_failed)
            {
                await WritePendingAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            try
            {
                if (_ownsStream)
                {
                    await _stream.DisposeAsync().ConfigureAwait(false);
                }
                else if (!_failed)
                {
                    await _stream.FlushAsync().ConfigureAwait(false);
                }
            }
            catch (IOException) when (_failed)
            {
                // The stream's own buffered bytes are lost with the write that failed, which was already reported.
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (_failed)
        {
            throw new IOException("An earlier write of this clue sink failed; it writes nothing more.");
        }
    }

    private static void Write(Utf8JsonWriter writer, Clue clue, EncodedTexts? texts = null)
    {
        writer.WriteStartObject();
        if (clue.ModelId is not null)
        {
            WriteText(writer, Names.Model, clue.ModelId, texts);
        }

        WriteText(writer, Names.Rule, clue.RuleId, texts);
        WriteText(writer, Names.Version, clue.RuleVersion, texts);
        WriteText(writer, Names.Dataset, clue.Dataset, texts);
        writer.WriteNumber(Names.Line, clue.Line);
        writer.WriteString(Names.Subject, clue.SubjectKey);
        writer.WriteString(Names.Fingerprint, clue.Fingerprint);
        WriteText(writer, Names.Title, clue.Title, texts);
        writer.WriteString(Names.Severity, clue.Severity switch { ClueSeverity.High => Names.High, ClueSeverity.Low => Names.Low, _ => Names.Medium });
        if (clue.Action is not null)
        {
            WriteText(writer, Names.Action, clue.Action, texts);
        }

        // Indexed, not foreach: an enumerator of an IReadOnlyList is an object per clue.
        writer.WriteStartArray(Names.Evidence);
        IReadOnlyList<EvidenceValue> evidenceValues = clue.Evidence;
        for (int i = 0; i < evidenceValues.Count; i++)
        {
            EvidenceValue evidence = evidenceValues[i];
            writer.WriteStartObject();
            WriteText(writer, Names.Field, evidence.Field, texts);
            writer.WritePropertyName(Names.Value);
            WriteValue(writer, evidence.Value);
            WriteText(writer, Names.Dataset, evidence.Dataset, texts);
            writer.WriteNumber(Names.Line, evidence.Line);
            if (evidence.Personal != Schema.PersonalDataKind.None)
            {
                writer.WriteString(Names.Personal, Schema.PersonalKinds.Name(evidence.Personal));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray(Names.Explanation);
        IReadOnlyList<ConditionOutcome> explanation = clue.Explanation;
        for (int i = 0; i < explanation.Count; i++)
        {
            ConditionOutcome outcome = explanation[i];
            writer.WriteStartObject();
            WriteText(writer, Names.Condition, outcome.Condition, texts);
            if (outcome.Value is { } value)
            {
                writer.WriteBoolean(Names.Value, value);
            }
            else
            {
                writer.WriteNull(Names.Value);
            }

            if (outcome.ErrorCode is not null)
            {
                writer.WriteString(Names.Error, outcome.ErrorCode);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteText(Utf8JsonWriter writer, JsonEncodedText name, string text, EncodedTexts? texts)
    {
        if (texts is not null && texts.TryGet(text, out JsonEncodedText encoded))
        {
            writer.WriteString(name, encoded);
        }
        else
        {
            writer.WriteString(name, text);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case decimal d:
                writer.WriteNumberValue(d);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case DateOnly date:
                writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTime dateTime:
                writer.WriteStringValue(dateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case IEnumerable<string> items:
                writer.WriteStartArray();
                foreach (string item in items)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>
    /// The texts a rule gives every clue of its own (rule id, version, dataset, field names, conditions), encoded once:
    /// a text written as a string is checked for characters to escape and transcoded to UTF-8 every time, which was a
    /// quarter of writing a clue. A slot is found by the text's identity, not its characters, so a lookup costs a few
    /// nanoseconds; a text is encoded the second time the same instance comes, so a text made anew for every clue costs
    /// nothing more than before. 256 slots bound what is kept.
    /// </summary>
    private sealed class EncodedTexts
    {
        private const int Slots = 256;
        private readonly string?[] _texts = new string?[Slots];
        private readonly JsonEncodedText?[] _encoded = new JsonEncodedText?[Slots];

        public bool TryGet(string text, out JsonEncodedText encoded)
        {
            int slot = System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(text) & (Slots - 1);
            if (!ReferenceEquals(_texts[slot], text))
            {
                _texts[slot] = text;
                _encoded[slot] = null;
                encoded = default;
                return false;
            }

            encoded = _encoded[slot] ??= JsonEncodedText.Encode(text, WriterOptions.Encoder);
            return true;
        }
    }

    /// <summary>Property names and fixed values encoded once: a name written as a string is checked for escaping every time.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Action = JsonEncodedText.Encode("action");

        public static readonly JsonEncodedText Condition = JsonEncodedText.Encode("condition");

        public static readonly JsonEncodedText Dataset = JsonEncodedText.Encode("dataset");

        public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");

        public static readonly JsonEncodedText Evidence = JsonEncodedText.Encode("evidence");

        public static readonly JsonEncodedText Explanation = JsonEncodedText.Encode("explanation");

        public static readonly JsonEncodedText Field = JsonEncodedText.Encode("field");

        public static readonly JsonEncodedText Fingerprint = JsonEncodedText.Encode("fingerprint");

        public static readonly JsonEncodedText Line = JsonEncodedText.Encode("line");

        public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");

        public static readonly JsonEncodedText Personal = JsonEncodedText.Encode("personal");

        public static readonly JsonEncodedText Rule = JsonEncodedText.Encode("rule");

        public static readonly JsonEncodedText Severity = JsonEncodedText.Encode("severity");

        public static readonly JsonEncodedText Subject = JsonEncodedText.Encode("subject");

        public static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");

        public static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");

        public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");

        public static readonly JsonEncodedText High = JsonEncodedText.Encode("high");

        public static readonly JsonEncodedText Low = JsonEncodedText.Encode("low");

        public static readonly JsonEncodedText Medium = JsonEncodedText.Encode("medium");
    }
}
