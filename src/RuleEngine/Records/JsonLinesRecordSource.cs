using System.Globalization;
using System.Text.Json;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>JSON Lines: one object per line, fields found by dotted path through a trie, values written to typed slots.</summary>
internal sealed class JsonLinesRecordSource(DatasetSchema schema, Func<Stream> openStream, bool ownsStream, JsonLinesSourceOptions options)
    : RecordSource(schema)
{
    private readonly Func<Stream> _openStream = openStream;
    private readonly bool _ownsStream = ownsStream;
    private readonly JsonLinesSourceOptions _options = options;

    internal override RecordCursor Open(RecordLayout layout) => new Cursor(this, null, defer: false);

    /// <summary>Parses only the fields the run reads; with <paramref name="deferParsing"/>, the reader only splits lines and the run's workers parse them, in parallel.</summary>
    internal override RecordCursor Open(RecordLayout layout, bool[] fields, bool deferParsing) => new Cursor(this, fields, deferParsing);

    /// <summary>A parse's working buffers: which fields were seen, and text being unescaped.</summary>
    private sealed class ParseState(int fields)
    {
        public bool[] Seen { get; } = new bool[fields];

        public char[] Text { get; set; } = new char[256];
    }

    private sealed class PathNode
    {
        public Dictionary<string, PathNode> Children { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, PathNode>.AlternateLookup<ReadOnlySpan<char>> Lookup => Children.GetAlternateLookup<ReadOnlySpan<char>>();

        public int Field { get; set; } = -1;
    }

    private sealed class Cursor : RecordCursor
    {
        private const int MaxNameLength = 256;
        private readonly JsonLinesRecordSource _source;
        private readonly Stream _stream;
        private readonly Stream _utf8;
        private readonly LineSplitter _lines;
        private readonly PathNode _root = new();
        private readonly ParseState _state;
        private readonly bool[]? _fieldsRead;
        private readonly bool _defer;
        private readonly JsonReaderOptions _readerOptions;
        private bool _first = true;
        private long _blankLines;

        public Cursor(JsonLinesRecordSource source, bool[]? fieldsRead, bool defer)
        {
            _source = source;
            _fieldsRead = fieldsRead;
            _defer = defer;
            _stream = source._openStream();
            Track(_stream);
            _utf8 = TextEncodingDetector.OpenUtf8(_stream, source._options.Encoding, leaveOpen: true);
            _lines = new LineSplitter(_utf8, source._options.MaxRecordBytes);
            _readerOptions = new JsonReaderOptions { MaxDepth = source._options.MaxDepth, CommentHandling = JsonCommentHandling.Disallow };
            IReadOnlyList<FieldDefinition> fields = source.Schema.Fields;
            _state = new ParseState(fields.Count);
            for (int f = 0; f < fields.Count; f++)
            {
                if (fieldsRead is not null && !fieldsRead[f])
                {
                    // A field the run does not read is skipped like a property the schema does not name.
                    continue;
                }

                PathNode node = _root;
                foreach (string segment in fields[f].SourceName.Split('.'))
                {
                    if (!node.Children.TryGetValue(segment, out PathNode? child))
                    {
                        child = new PathNode();
                        node.Children.Add(segment, child);
                    }

                    node = child;
                }

                node.Field = f;
            }
        }

        public override ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken)
        {
            while (_lines.TryReadLine(out ReadOnlySpan<byte> line, out bool tooLong))
            {
                long number = _lines.LineNumber;
                if (tooLong)
                {
                    return ValueTask.FromResult(Reject(_source.Dataset, number, (DiagnosticIds.RecordTooLarge, $"The line is longer than {_source._options.MaxRecordBytes} bytes.")));
                }

                if (_first)
                {
                    _first = false;
                    if (line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
                    {
                        line = line[3..];
                    }
                }

                if (line.Trim((ReadOnlySpan<byte>)[(byte)' ', (byte)'\t']).IsEmpty)
                {
                    _blankLines++;
                    continue;
                }

                if (_defer)
                {
                    // Split only: the line is kept with the record and parsed by a worker (Complete).
                    PendingText pending = target.Pending ??= new PendingText(_source.Schema.Fields.Count);
                    pending.SetBytes(line);
                    pending.Active = true;
                    target.Line = number;
                    return ValueTask.FromResult(ReadOutcome.Record);
                }

                return ValueTask.FromResult(Parse(line, number, target, _state) is { } failure
                    ? Reject(_source.Dataset, number, (failure.Code, failure.Message), failure.Field, Raw(line))
                    : ReadOutcome.Record);
            }

            return ValueTask.FromResult(ReadOutcome.End);
        }

        public override LineAccount? Lines => new(_lines.LineNumber, 0, _lines.LineNumber - _blankLines, _blankLines);

        public override ValueTask DisposeAsync()
        {
            _utf8.Dispose();
            if (_source._ownsStream)
            {
                _stream.Dispose();
            }

            return ValueTask.CompletedTask;
        }

        public override RecordRejection? Complete(Record record)
        {
            if (record.Pending is not { Active: true } pending)
            {
                return null;
            }

            pending.Active = false;
            var state = pending.ParserState as ParseState ?? (ParseState)(pending.ParserState = new ParseState(_source.Schema.Fields.Count));
            if (Parse(pending.Bytes, record.Line, record, state) is not { } failure)
            {
                return null;
            }

            record.SetAllNull();
            return new RecordRejection(_source.Dataset, record.Line, failure.Code, failure.Message) { Field = failure.Field, RawRecord = Raw(pending.Bytes) };
        }

        /// <summary>Parses one line into the record, with the given working buffers; the failure, if any.</summary>
        private (string Code, string Message, string? Field)? Parse(ReadOnlySpan<byte> line, long number, Record target, ParseState state)
        {
            target.SetAllNull();
            target.Line = number;
            Array.Clear(state.Seen);
            var reader = new Utf8JsonReader(line, _readerOptions);
            (string Code, string Message, string? Field)? failure;
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return (DiagnosticIds.MalformedRecord, "The line is not a JSON object.", null);
                }

                failure = ReadObject(ref reader, _root, target, state);
                if (failure is null && reader.Read())
                {
                    failure = (DiagnosticIds.MalformedRecord, "The line has text after its JSON object.", null);
                }
            }
            catch (JsonException)
            {
                failure = reader.CurrentDepth >= _source._options.MaxDepth - 1
                    ? (DiagnosticIds.NestingTooDeep, $"The record nests deeper than {_source._options.MaxDepth} levels.", null)
                    : (DiagnosticIds.MalformedRecord, "The line is not valid JSON.", null);
            }
            catch (InvalidOperationException)
            {
                failure = (DiagnosticIds.InvalidEncoding, "The line holds bytes that are not valid UTF-8.", null);
            }

            if (failure is not null)
            {
                return failure;
            }

            IReadOnlyList<FieldDefinition> fields = _source.Schema.Fields;
            for (int f = 0; f < fields.Count; f++)
            {
                if (!state.Seen[f] && !fields[f].IsNullable && _fieldsRead?[f] != false)
                {
                    return (DiagnosticIds.InvalidValue, $"Field '{fields[f].Name}' is required but absent.", fields[f].Name);
                }
            }

            return null;
        }

        /// <summary>The line's text for a dead-letter sink; bytes that are not UTF-8 become U+FFFD.</summary>
        private static string Raw(ReadOnlySpan<byte> line) => System.Text.Encoding.UTF8.GetString(line);

        private (string Code, string Message, string? Field)? ReadObject(ref Utf8JsonReader reader, PathNode node, Record target, ParseState state)
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    return null;
                }

                PathNode? child = FindChild(ref reader, node);
                reader.Read();
                if (child is null)
                {
                    reader.Skip();
                    continue;
                }

                if (child.Field >= 0)
                {
                    if (ReadValue(ref reader, child.Field, target, state) is { } failure)
                    {
                        return failure;
                    }
                }
                else if (reader.TokenType == JsonTokenType.StartObject)
                {
                    if (ReadObject(ref reader, child, target, state) is { } failure)
                    {
                        return failure;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            return (DiagnosticIds.MalformedRecord, "The JSON object is not closed.", null);
        }

        private static PathNode? FindChild(ref Utf8JsonReader reader, PathNode node)
        {
            if (node.Children.Count == 0 || reader.ValueSpan.Length > MaxNameLength * 3)
            {
                return null;
            }

            Span<char> name = stackalloc char[MaxNameLength * 3];
            int length = reader.CopyString(name);
            return node.Lookup.TryGetValue(name[..length], out PathNode? child) ? child : null;
        }

        private (string Code, string Message, string? Field)? ReadValue(ref Utf8JsonReader reader, int field, Record target, ParseState state)
        {
            FieldDefinition definition = _source.Schema.Fields[field];
            if (state.Seen[field])
            {
                return (DiagnosticIds.MalformedRecord, $"Field '{definition.Name}' appears twice in the record.", definition.Name);
            }

            state.Seen[field] = true;
            (string Code, string Message)? failure = reader.TokenType switch
            {
                JsonTokenType.Null => FieldValueParser.WriteNull(target, field, definition),
                JsonTokenType.String => FieldValueParser.TryWrite(target, field, definition, CopyText(ref reader, state), _source._options.ArraySeparator),
                JsonTokenType.Number => WriteNumber(ref reader, field, definition, target),
                JsonTokenType.True or JsonTokenType.False => WriteBool(reader.TokenType == JsonTokenType.True, field, definition, target),
                JsonTokenType.StartArray => WriteArray(ref reader, field, definition, target, state),
                _ => SkipInvalid(ref reader, definition),
            };
            return failure is { } f ? (f.Code, f.Message, definition.Name) : null;
        }

        private static ReadOnlySpan<char> CopyText(ref Utf8JsonReader reader, ParseState state)
        {
            int needed = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            if (state.Text.Length < needed)
            {
                state.Text = new char[Math.Max(needed, state.Text.Length * 2)];
            }

            int length = reader.CopyString(state.Text);
            return state.Text.AsSpan(0, length);
        }

        private (string Code, string Message)? WriteNumber(ref Utf8JsonReader reader, int field, FieldDefinition definition, Record target)
        {
            switch (definition.Type)
            {
                case FieldType.Int when reader.TryGetInt32(out int i32):
                    target.SetInt64(field, i32);
                    return null;
                case FieldType.Long when reader.TryGetInt64(out long i64):
                    target.SetInt64(field, i64);
                    return null;
                case FieldType.Decimal when reader.TryGetDecimal(out decimal dec):
                    target.SetDecimal(field, dec);
                    return null;
                case FieldType.Double when reader.TryGetDouble(out double dbl) && double.IsFinite(dbl):
                    target.SetDouble(field, dbl);
                    return null;
                case FieldType.Int or FieldType.Long when reader.TryGetDecimal(out decimal whole) && whole == decimal.Truncate(whole):
                    // 1.0 or 1e3 for a whole number, as spreadsheets and pandas write them: taken when it fits.
                    if (whole < (definition.Type == FieldType.Int ? int.MinValue : long.MinValue) || whole > (definition.Type == FieldType.Int ? int.MaxValue : long.MaxValue))
                    {
                        return OutOfRange(definition);
                    }

                    target.SetInt64(field, (long)whole);
                    return null;
                case FieldType.Int or FieldType.Long when reader.TryGetDecimal(out _):
                    return (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' of type {definition.Type} holds a whole number; this one has a fraction.");
                case FieldType.Int or FieldType.Long or FieldType.Decimal or FieldType.Double:
                    return OutOfRange(definition);
                case FieldType.Bool when reader.TryGetInt32(out int flag) && flag is 0 or 1:
                    target.SetInt64(field, flag);
                    return null;
                case FieldType.String or FieldType.IdNumber or FieldType.CreditCode or FieldType.CaseNo when reader.ValueSpan.Length <= 64:
                    Span<char> digits = stackalloc char[64];
                    int length = System.Text.Encoding.UTF8.GetChars(reader.ValueSpan, digits);
                    return FieldValueParser.TryWrite(target, field, definition, digits[..length], _source._options.ArraySeparator);
                default:
                    return (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' of type {definition.Type} cannot hold this number.");
            }
        }

        private static (string Code, string Message)? WriteBool(bool value, int field, FieldDefinition definition, Record target)
        {
            if (definition.Type != FieldType.Bool)
            {
                return (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' of type {definition.Type} cannot hold true or false.");
            }

            target.SetInt64(field, value ? 1 : 0);
            return null;
        }

        private (string Code, string Message)? WriteArray(ref Utf8JsonReader reader, int field, FieldDefinition definition, Record target, ParseState state)
        {
            var items = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        items.Add(CopyText(ref reader, state).ToString());
                        break;
                    case JsonTokenType.Number:
                        items.Add(System.Text.Encoding.UTF8.GetString(reader.ValueSpan));
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        reader.Skip();
                        return (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' holds an array of objects or arrays.");
                }
            }

            if (definition.Type == FieldType.StringArray)
            {
                target.SetArray(field, [.. items]);
                return null;
            }

            if (definition.Type == FieldType.String)
            {
                target.SetString(field, string.Join(_source._options.ArraySeparator, items));
                return null;
            }

            return (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' of type {definition.Type} cannot hold an array.");
        }

        private static (string Code, string Message)? SkipInvalid(ref Utf8JsonReader reader, FieldDefinition definition)
        {
            reader.Skip();
            return (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' of type {definition.Type} cannot hold an object.");
        }

        private static (string Code, string Message) OutOfRange(FieldDefinition definition) =>
            (DiagnosticIds.ValueOutOfRange, string.Create(CultureInfo.InvariantCulture, $"Field '{definition.Name}' is outside the range of {definition.Type}."));
    }
}
