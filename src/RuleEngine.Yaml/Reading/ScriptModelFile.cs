using System.Text;
using RuleEngine.Diagnostics;

namespace RuleEngine.Yaml.Reading;

/// <summary>
/// A model written as a C# script file: its metadata (id, name, from, clue, tests — one rule's worth of a YAML model)
/// in a <c>/* ... */</c> comment at the top, and the script below it.
/// <code>
/// /*
/// id: M14
/// version: "1.0"
/// name: 醉驾判决未吊销驾照
/// from: judgments
/// clue: { title: "{case_no}" }
/// */
/// r.Cause == "危险驾驶罪" &amp;&amp; Text.ContainsAny(r.Facts, "醉酒", "酒后")
/// </code>
/// The metadata is read as YAML where it stands, so its diagnostics keep the file's lines and columns.
/// </summary>
internal static class ScriptModelFile
{
    /// <summary>Splits a file into its metadata (as YAML bytes, with everything else blanked so positions hold) and its script.</summary>
    public static (byte[] Metadata, string Code, SourceMap Map)? Split(string path, byte[] bytes, DiagnosticList diagnostics)
    {
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            diagnostics.Error(ModelDiagnosticIds.EncodingNotUtf8, "The file is not valid UTF-8.", SourceLocation.At(path, 1, 1));
            return null;
        }

        int open = 0;
        while (open < text.Length && char.IsWhiteSpace(text[open]))
        {
            open++;
        }

        int close = text.AsSpan(open).StartsWith("/*", StringComparison.Ordinal) ? text.IndexOf("*/", open + 2, StringComparison.Ordinal) : -1;
        if (close < 0)
        {
            diagnostics.Error(ModelDiagnosticIds.InvalidScriptModel, "A .csx model starts with its metadata in a /* ... */ comment.", SourceLocation.At(path, 1, 1), "Open the file with /*, the model's id, version, name, from and clue in YAML, then */ and the script.");
            return null;
        }

        var metadata = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            bool inside = i >= open + 2 && i < close;
            metadata.Append(inside || text[i] is '\n' or '\r' ? text[i] : ' ');
        }

        int start = close + 2;
        SourceLocation codeStart = SourceMap.StartingAt(SourceLocation.At(path, 1, 1)).Locate(text, start, 0);
        return (Encoding.UTF8.GetBytes(metadata.ToString()), text[start..], SourceMap.StartingAt(codeStart));
    }
}
