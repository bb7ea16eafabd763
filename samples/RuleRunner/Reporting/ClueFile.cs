using System.Text.Json;
using RuleEngine.ChineseData;
using RuleEngine.Schema;

namespace RuleRunner.Reporting;

/// <summary>One clue as read back from a JSON Lines clue file, with its personal values masked.</summary>
internal sealed record ClueRow(
    int Number,
    string Model,
    string Rule,
    string Severity,
    string Title,
    string Subject,
    string Dataset,
    long Line,
    string Fingerprint,
    string? Action,
    IReadOnlyList<(string Field, string Value, string Dataset, long Line)> Evidence,
    IReadOnlyList<(string Condition, string Value)> Explanation);

/// <summary>
/// Reads a clue file written by <c>run --out</c>, masking every evidence value marked personal and its occurrences
/// in the title and subject, and — in case the file was written with personal data revealed and a value is not in
/// the evidence — every ID-number-shaped and mobile-number-shaped token anywhere in the clue.
/// </summary>
internal static class ClueFile
{
    public static IEnumerable<ClueRow> Read(string path)
    {
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement clue = document.RootElement;
            string title = Text(clue, "title");
            string subject = Text(clue, "subject");
            var evidence = new List<(string, string, string, long)>();
            foreach (JsonElement item in clue.GetProperty("evidence").EnumerateArray())
            {
                string value = item.GetProperty("value") is { ValueKind: not JsonValueKind.Null } v ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()) : string.Empty;
                PersonalDataKind kind = PersonalKinds.Parse(item.TryGetProperty("personal", out JsonElement p) ? p.GetString() : null);
                if (kind != PersonalDataKind.None && value.Length > 0)
                {
                    string masked = PersonalDataMasker.Mask(value, kind)!;
                    title = title.Replace(value, masked, StringComparison.Ordinal);
                    subject = subject.Replace(value, masked, StringComparison.Ordinal);
                    value = masked;
                }

                evidence.Add((Text(item, "field"), value, Text(item, "dataset"), item.GetProperty("line").GetInt64()));
            }

            var explanation = new List<(string, string)>();
            foreach (JsonElement item in clue.TryGetProperty("explanation", out JsonElement outcomes) ? outcomes.EnumerateArray() : default)
            {
                string value = item.TryGetProperty("error", out JsonElement error) ? "error " + error.GetString()
                    : item.GetProperty("value") switch { { ValueKind: JsonValueKind.True } => "true", { ValueKind: JsonValueKind.False } => "false", _ => "unknown" };
                explanation.Add((Text(item, "condition"), value));
            }

            // A report is handed on: every text is read as free text, its ID and mobile numbers masked.
            title = PersonalDataMasker.MaskText(title);
            subject = PersonalDataMasker.MaskText(subject);
            for (int i = 0; i < evidence.Count; i++)
            {
                evidence[i] = evidence[i] with { Item2 = PersonalDataMasker.MaskText(evidence[i].Item2) };
            }

            yield return new ClueRow(
                ++number,
                clue.TryGetProperty("model", out JsonElement model) ? model.GetString() ?? string.Empty : Text(clue, "rule"),
                Text(clue, "rule"),
                Text(clue, "severity"),
                title,
                subject,
                Text(clue, "dataset"),
                clue.GetProperty("line").GetInt64(),
                Text(clue, "fingerprint"),
                clue.TryGetProperty("action", out JsonElement action) ? action.GetString() : null,
                evidence,
                explanation);
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
