using System.Globalization;
using System.Text;
using RuleEngine.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace RuleEngine.Yaml.Reading;

/// <summary>A model file read into nodes: its path, its text, and its root (or <see langword="null"/> when it failed).</summary>
internal sealed record YamlFile(string Path, string Text, YamlNode? Root);

/// <summary>
/// Reads untrusted YAML safely. The file's size is checked before it is read, its bytes must be UTF-8, invisible and
/// direction-changing characters are refused, and one iterative pass over YamlDotNet's parser events (never its
/// recursive loaders) enforces depth, event and scalar limits, rejects anchors, aliases, tags, merge keys and extra
/// documents, and builds nodes that keep every position. Problems become diagnostics; nothing throws.
/// </summary>
internal static class SafeYamlReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static YamlFile Read(string path, YamlLimits limits, DiagnosticList diagnostics) =>
        ReadBytes(path, limits, diagnostics) is { } bytes ? Parse(path, bytes, limits, diagnostics) : new YamlFile(path, string.Empty, null);

    /// <summary>Reads a file's bytes, checking its size first; <see langword="null"/> (with a diagnostic) when it cannot.</summary>
    public static byte[]? ReadBytes(string path, YamlLimits limits, DiagnosticList diagnostics)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            diagnostics.Error(ModelDiagnosticIds.FileNotFound, $"The file '{path}' does not exist.", SourceLocation.At(path, 0, 0));
            return null;
        }

        if (info.Length > limits.MaxFileBytes)
        {
            diagnostics.Error(ModelDiagnosticIds.DocumentTooLarge, string.Create(CultureInfo.InvariantCulture, $"The file is {info.Length} bytes; model files may have at most {limits.MaxFileBytes}."), SourceLocation.At(path, 1, 1), "Split the model, or move test records into a data file.");
            return null;
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            diagnostics.Error(ModelDiagnosticIds.FileNotFound, $"The file '{path}' cannot be read: {e.GetType().Name}.", SourceLocation.At(path, 0, 0));
            return null;
        }
    }

    public static YamlFile Parse(string path, ReadOnlySpan<byte> bytes, YamlLimits limits, DiagnosticList diagnostics)
    {
        if (bytes.Length > limits.MaxFileBytes)
        {
            diagnostics.Error(ModelDiagnosticIds.DocumentTooLarge, string.Create(CultureInfo.InvariantCulture, $"The file is {bytes.Length} bytes; model files may have at most {limits.MaxFileBytes}."), SourceLocation.At(path, 1, 1));
            return new YamlFile(path, string.Empty, null);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            diagnostics.Error(ModelDiagnosticIds.EncodingNotUtf8, "The file is UTF-16; model files are UTF-8.", SourceLocation.At(path, 1, 1), "Save the file as UTF-8.");
            return new YamlFile(path, string.Empty, null);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            int offset = Math.Max(0, e.Index);
            int line = 1 + bytes[..Math.Min(offset, bytes.Length)].Count((byte)'\n');
            diagnostics.Error(ModelDiagnosticIds.EncodingNotUtf8, "The file holds bytes that are not UTF-8 (GBK or Latin-1, perhaps).", SourceLocation.At(path, line, 1), "Save the file as UTF-8.");
            return new YamlFile(path, string.Empty, null);
        }

        return new YamlFile(path, text, ParseText(path, text, limits, diagnostics));
    }

    public static YamlNode? ParseText(string path, string text, YamlLimits limits, DiagnosticList diagnostics)
    {
        int before = diagnostics.Items.Count;
        CheckCharacters(path, text, diagnostics);
        if (text.Length > limits.MaxFileBytes)
        {
            diagnostics.Error(ModelDiagnosticIds.DocumentTooLarge, "The file is larger than the limit.", SourceLocation.At(path, 1, 1));
            return null;
        }

        var builder = new NodeBuilder(path, text, limits, diagnostics);
        YamlNode? root = builder.Build();
        if (root is null && diagnostics.Items.Count == before)
        {
            diagnostics.Error(ModelDiagnosticIds.EmptyFile, "The file holds no model or dataset.", SourceLocation.At(path, 1, 1), "A model file starts with 'id:', a dataset file with 'dataset:'.");
        }

        return root;
    }

    private static void CheckCharacters(string path, string text, DiagnosticList diagnostics)
    {
        int line = 1;
        int column = 1;
        int reported = 0;
        for (int i = 0; i < text.Length && reported < 20; i++)
        {
            char c = text[i];
            if (c == '\n')
            {
                line++;
                column = 1;
                continue;
            }

            if (IsForbidden(c))
            {
                diagnostics.Error(ModelDiagnosticIds.ForbiddenCharacter, string.Create(CultureInfo.InvariantCulture, $"The invisible or direction-changing character U+{(int)c:X4} is not allowed in model files."), SourceLocation.At(path, line, column), "Delete it; it can make the text read differently from what it says.");
                reported++;
            }

            column++;
        }
    }

    private static bool IsForbidden(char c) =>
        c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or (>= '\u200B' and <= '\u200F') or '\uFEFF' or '\u2028' or '\u2029'
        || (c < ' ' && c is not ('\t' or '\n' or '\r'))
        || c == '\u007F';

    /// <summary>One pass over parser events; containers are kept on an explicit stack, so depth never costs stack.</summary>
    private sealed class NodeBuilder(string path, string text, YamlLimits limits, DiagnosticList diagnostics)
    {
        private readonly Stack<Frame> _stack = new();

        public YamlNode? Build()
        {
            var parser = new Parser(new StringReader(text));
            YamlNode? root = null;
            int events = 0;
            int documents = 0;
            Mark last = Mark.Empty;
            try
            {
                while (parser.MoveNext())
                {
                    ParsingEvent current = parser.Current!;
                    last = current.End;
                    if (++events > limits.MaxEvents)
                    {
                        Error(ModelDiagnosticIds.DocumentTooLarge, string.Create(CultureInfo.InvariantCulture, $"The file has more than {limits.MaxEvents} YAML nodes."), current.Start);
                        return null;
                    }

                    switch (current)
                    {
                        case DocumentStart start when !start.IsImplicit || documents > 0:
                            if (++documents > 1)
                            {
                                Error(ModelDiagnosticIds.SingleDocumentExpected, "A model file holds one YAML document; this is a second one.", current.Start, "Put each model in its own file.");
                                return null;
                            }

                            break;
                        case DocumentStart:
                            documents++;
                            break;
                        case AnchorAlias:
                            Error(ModelDiagnosticIds.AliasesNotAllowed, "Aliases (*name) are not allowed in model files.", current.Start, "Write the value out in full.");
                            return null;
                        case NodeEvent node when !node.Anchor.IsEmpty:
                            Error(ModelDiagnosticIds.AliasesNotAllowed, "Anchors (&name) are not allowed in model files.", current.Start, "Write the value out in full.");
                            return null;
                        case NodeEvent node when !node.Tag.IsEmpty && !(node is Scalar { Tag.Value: "!" }):
                            Error(ModelDiagnosticIds.TagNotAllowed, $"The tag '{node.Tag}' is not allowed in model files.", current.Start, "Remove the tag; values are typed by the model format.");
                            return null;
                        case MappingStart or SequenceStart:
                            if (_stack.Count >= limits.MaxDepth)
                            {
                                Error(ModelDiagnosticIds.NestingTooDeep, string.Create(CultureInfo.InvariantCulture, $"The file nests deeper than {limits.MaxDepth} levels."), current.Start);
                                return null;
                            }

                            _stack.Push(new Frame(current is MappingStart, Location(current.Start, current.End)));
                            break;
                        case Scalar scalar:
                            if (scalar.Value.Length > limits.MaxScalarLength)
                            {
                                Error(ModelDiagnosticIds.ScalarTooLong, string.Create(CultureInfo.InvariantCulture, $"A value is {scalar.Value.Length} characters long; the limit is {limits.MaxScalarLength}."), current.Start);
                                return null;
                            }

                            YamlNode? added = Add(new YamlScalar(Location(scalar.Start, scalar.End), scalar.Value, scalar.Style, (int)scalar.Start.Index, (int)scalar.End.Index));
                            root ??= added;
                            break;
                        case MappingEnd or SequenceEnd:
                            Frame frame = _stack.Pop();
                            YamlNode container = frame.IsMapping ? new YamlMapping(frame.Location, frame.Entries) : new YamlSequence(frame.Location, frame.Items);
                            root = _stack.Count == 0 ? container : Add(container) ?? root;
                            break;
                    }
                }
            }
            catch (YamlException e)
            {
                if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
                {
                    diagnostics.Error(ModelDiagnosticIds.SyntaxError, Clean(e.Message), TabLocation(e.Start), "Indent with spaces; YAML does not allow tabs for indentation.");
                    return null;
                }

                (string message, SourceLocation at, string? hint) = YamlSyntaxErrors.Explain(text, path, e.Message, (int)e.Start.Line, (int)e.Start.Column);
                diagnostics.Error(ModelDiagnosticIds.SyntaxError, message, at, hint);
                return null;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                // YamlDotNet's scanner can fail outside its own exception type on malformed input (found by the fuzz test).
                (string message, SourceLocation at, string? hint) = YamlSyntaxErrors.Explain(text, path, string.Empty, (int)last.Line, (int)last.Column);
                diagnostics.Error(ModelDiagnosticIds.SyntaxError, message, at, hint ?? "Check the quotes, brackets and indentation from here on.");
                return null;
            }

            return root is YamlScalar { IsNull: true } ? null : root;
        }

        /// <summary>Adds a node to the open container; returns it when it is the document's root.</summary>
        private YamlNode? Add(YamlNode node)
        {
            if (_stack.Count == 0)
            {
                return node;
            }

            Frame frame = _stack.Peek();
            if (!frame.IsMapping)
            {
                frame.Items.Add(node);
                return null;
            }

            if (frame.PendingKey is null)
            {
                if (node is not YamlScalar key)
                {
                    diagnostics.Error(ModelDiagnosticIds.WrongValueType, "A key must be plain text, not a list or a mapping.", node.Location);
                    frame.PendingKey = new YamlScalar(node.Location, "?", ScalarStyle.Plain, 0, 0);
                    return null;
                }

                if (key.Value == "<<" && key.Style == ScalarStyle.Plain)
                {
                    diagnostics.Error(ModelDiagnosticIds.MergeKeysNotAllowed, "Merge keys (<<) are not allowed in model files.", key.Location, "Write the keys out in full.");
                }

                frame.PendingKey = key;
                return null;
            }

            YamlScalar pending = frame.PendingKey;
            frame.PendingKey = null;
            if (!frame.Keys.TryAdd(pending.Value, pending))
            {
                YamlScalar first = frame.Keys[pending.Value];
                diagnostics.Error(ModelDiagnosticIds.DuplicateKey, string.Create(CultureInfo.InvariantCulture, $"Key '{pending.Value}' appears twice (lines {first.Location.Line} and {pending.Location.Line})."), pending.Location, "Keep one of them.");
                return null;
            }

            frame.Entries.Add((pending, node));
            return null;
        }

        private SourceLocation Location(Mark start, Mark end) => new(path, (int)start.Line, (int)start.Column, (int)end.Line, (int)end.Column);

        private void Error(string id, string message, Mark at, string? hint = null) =>
            diagnostics.Error(id, message, SourceLocation.At(path, (int)at.Line, (int)at.Column), hint);

        private SourceLocation TabLocation(Mark fallback)
        {
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                int tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
                if (tab >= 0 && lines[i][..tab].Trim().Length == 0)
                {
                    return SourceLocation.At(path, i + 1, tab + 1);
                }
            }

            return SourceLocation.At(path, (int)fallback.Line, (int)fallback.Column);
        }

        private static string Clean(string message) => message.TrimEnd('.') + ".";


        private sealed class Frame(bool isMapping, SourceLocation location)
        {
            public bool IsMapping { get; } = isMapping;

            public SourceLocation Location { get; } = location;

            public List<YamlNode> Items { get; } = [];

            public List<(YamlScalar Key, YamlNode Value)> Entries { get; } = [];

            /// <summary>Gets the keys seen so far, so a duplicate is found in constant time, not by a scan.</summary>
            public Dictionary<string, YamlScalar> Keys { get; } = new(StringComparer.Ordinal);

            public YamlScalar? PendingKey { get; set; }
        }
    }
}
