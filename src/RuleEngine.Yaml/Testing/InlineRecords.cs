using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Yaml.Testing;

/// <summary>
/// Turns a test's inline records into JSON Lines in memory, nested by each field's source path, so test records are
/// read, converted and rejected exactly as production data is. Line <c>n</c> is record <c>n</c>.
/// </summary>
internal static class InlineRecords
{
    /// <summary>Whether inline records of the dataset can be written as JSON: a CSV header with a dot would be read as a path.</summary>
    public static bool Supports(DatasetDefinition dataset) =>
        dataset.Format == DataFormat.JsonLines || !dataset.Schema.Fields.Any(f => f.SourceName.Contains('.', StringComparison.Ordinal));

    public static RecordSource ToSource(DatasetDefinition dataset, IReadOnlyList<TestRecord> records)
    {
        var text = new StringBuilder();
        foreach (TestRecord record in records)
        {
            var root = new JsonObject();
            foreach ((string name, object? value) in record.Values)
            {
                if (!dataset.Schema.TryGetField(name, out FieldDefinition? field))
                {
                    continue;
                }

                string[] path = dataset.Format == DataFormat.JsonLines ? field.SourceName.Split('.') : [field.SourceName];
                SetAtPath(root, path, value);
            }

            text.Append(root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })).Append('\n');
        }

        return RecordSource.JsonLines(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), dataset.Schema, new JsonLinesSourceOptions { ArraySeparator = dataset.ArraySeparator });
    }

    /// <summary>Sets a field's test value in a JSON object at its source path, creating the nested objects on the way.</summary>
    internal static void SetAtPath(JsonObject root, string[] path, object? value)
    {
        JsonObject parent = root;
        foreach (string segment in path[..^1])
        {
            if (parent[segment] is not JsonObject child)
            {
                child = new JsonObject();
                parent[segment] = child;
            }

            parent = child;
        }

        parent[path[^1]] = value switch
        {
            null => null,
            string[] items => new JsonArray([.. items.Select(i => (JsonNode?)JsonValue.Create(i))]),
            _ => JsonValue.Create(value.ToString()),
        };
    }
}
