using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RuleEngine.Clues;

namespace RuleEngine.ClueStore;

/// <summary>How clue parts are written into the store: evidence and explanations as JSON, values as invariant text, hashes.</summary>
internal static class StoredForms
{
    private static readonly JsonSerializerOptions Json = new()
    {
        // Chinese stays readable in the database.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static string Text(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        string[] items => string.Join("、", items),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    public static StoredEvidence[] Evidence(Clue clue) =>
        [.. clue.Evidence.Select(e => new StoredEvidence(e.Field, e.Value is null ? null : Text(e.Value), e.Dataset, e.Line, e.Personal, e.Material))];

    public static string EvidenceJson(StoredEvidence[] evidence) => JsonSerializer.Serialize(evidence, Json);

    public static string ExplanationJson(Clue clue) => JsonSerializer.Serialize(clue.Explanation.Select(o => new StoredOutcome(o.Condition, o.Value)).ToArray(), Json);

    public static IReadOnlyList<StoredEvidence> ReadEvidence(string json) => JsonSerializer.Deserialize<StoredEvidence[]>(json, Json) ?? [];

    public static IReadOnlyList<StoredOutcome> ReadExplanation(string json) => JsonSerializer.Deserialize<StoredOutcome[]>(json, Json) ?? [];

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    public static T? FromJson<T>(string json) => JsonSerializer.Deserialize<T>(json, Json);

    /// <summary>The hash of the evidence's values by field, not of their lines: a re-export that moves a record changes no clue.</summary>
    public static string EvidenceHash(IEnumerable<StoredEvidence> evidence) => Hash(evidence.Select(e => JsonSerializer.Serialize(new[] { e.Field, e.Value }, Json)));

    /// <summary>The hash of the material evidence's values, or <see langword="null"/> when the rule declares none.</summary>
    public static string? MaterialHash(StoredEvidence[] evidence) =>
        evidence.Any(e => e.Material) ? Hash(evidence.Where(e => e.Material).Select(e => JsonSerializer.Serialize(new[] { e.Field, e.Value }, Json))) : null;

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ReadTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly? ReadDay(string? text) => text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Severity(ClueSeverity severity) => severity switch
    {
        ClueSeverity.High => "high",
        ClueSeverity.Low => "low",
        _ => "medium",
    };

    public static ClueSeverity ReadSeverity(string text) => text switch
    {
        "high" => ClueSeverity.High,
        "low" => ClueSeverity.Low,
        _ => ClueSeverity.Medium,
    };

    private static string Hash(IEnumerable<string> lines)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string line in lines)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(line));
            sha.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
