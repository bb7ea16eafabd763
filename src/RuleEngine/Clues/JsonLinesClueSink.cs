using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RuleEngine.Clues;

/// <summary>
/// Writes clues as JSON Lines (one object per line, UTF-8), with a fixed property order so equal runs give
/// byte-identical files. Dates are <c>yyyy-MM-dd</c>; decimals keep their digits.
/// </summary>
public sealed class JsonLinesClueSink : IClueSink, IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly Utf8JsonWriter _writer;

    /// <summary>Initializes a new instance of the <see cref="JsonLinesClueSink"/> class.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="ownsStream">Whether disposing the sink disposes the stream.</param>
    public JsonLinesClueSink(Stream stream, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = ownsStream;
        _writer = new Utf8JsonWriter(stream, WriterOptions);
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
        Write(_writer, clue);
        _writer.Reset();
        await _stream.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        Count++;
    }

    /// <summary>Flushes what was written to the stream.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the data is flushed.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (_ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await _stream.FlushAsync().ConfigureAwait(false);
        }
    }

    private static void Write(Utf8JsonWriter writer, Clue clue)
    {
        writer.WriteStartObject();
        if (clue.ModelId is not null)
        {
            writer.WriteString("model", clue.ModelId);
        }

        writer.WriteString("rule", clue.RuleId);
        writer.WriteString("version", clue.RuleVersion);
        writer.WriteString("dataset", clue.Dataset);
        writer.WriteNumber("line", clue.Line);
        writer.WriteString("subject", clue.SubjectKey);
        writer.WriteString("fingerprint", clue.Fingerprint);
        writer.WriteString("title", clue.Title);
        writer.WriteString("severity", clue.Severity switch { ClueSeverity.High => "high", ClueSeverity.Low => "low", _ => "medium" });
        if (clue.Action is not null)
        {
            writer.WriteString("action", clue.Action);
        }

        writer.WriteStartArray("evidence");
        foreach (EvidenceValue evidence in clue.Evidence)
        {
            writer.WriteStartObject();
            writer.WriteString("field", evidence.Field);
            writer.WritePropertyName("value");
            WriteValue(writer, evidence.Value);
            writer.WriteString("dataset", evidence.Dataset);
            writer.WriteNumber("line", evidence.Line);
            if (evidence.Personal != Schema.PersonalDataKind.None)
            {
                writer.WriteString("personal", Schema.PersonalKinds.Name(evidence.Personal));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("explanation");
        foreach (ConditionOutcome outcome in clue.Explanation)
        {
            writer.WriteStartObject();
            writer.WriteString("condition", outcome.Condition);
            if (outcome.Value is { } value)
            {
                writer.WriteBoolean("value", value);
            }
            else
            {
                writer.WriteNull("value");
            }

            if (outcome.ErrorCode is not null)
            {
                writer.WriteString("error", outcome.ErrorCode);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
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
}
