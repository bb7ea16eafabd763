using RuleEngine.Diagnostics;
using RuleEngine.Schema;
using RuleEngine.Yaml.Reading;

namespace RuleEngine.Yaml.Binding;

/// <summary>Reads a dataset file (<c>dataset:</c> at the top) into a <see cref="DatasetDefinition"/>.</summary>
internal static class DatasetReader
{
    internal static readonly string[] Keys = ["dataset", "description", "format", "encoding", "separator", "array_separator", "sheet", "header_row", "key", "fields"];
    internal static readonly string[] FieldKeys = ["name", "type", "source", "personal", "required", "description", "label", "statistics"];
    internal static readonly string[] StatisticsKeys = ["distinct", "nulls", "common", "bounds"];

    public static DatasetDefinition? Read(YamlFile file, YamlMapping root, DiagnosticList diagnostics)
    {
        var reader = new MappingReader(root, Keys, diagnostics, "dataset");
        string? name = reader.Text("dataset", required: true);
        string? format = reader.Text("format");
        string? encoding = reader.Text("encoding");
        string? separator = reader.Text("separator");
        string? arraySeparator = reader.Text("array_separator");
        string? sheet = reader.Text("sheet");
        string? headerRow = reader.Text("header_row");
        new DatasetHeaderValidator().Check(new DatasetHeader(name, format, encoding, separator, k => reader.LocationOf(k)) { Sheet = sheet, HeaderRow = headerRow }, diagnostics);

        DatasetSchemaBuilder? builder = name is null || !Vocabulary.IsName(name) ? null : DatasetSchema.Create(name);
        YamlSequence? fields = reader.Sequence("fields", required: true);
        var fieldNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (YamlNode item in fields?.Items ?? [])
        {
            if (item is not YamlMapping mapping)
            {
                reader.WrongType(item, "a field", "a mapping with name and type");
                continue;
            }

            var field = new MappingReader(mapping, FieldKeys, diagnostics, "field");
            string? fieldName = field.Text("name", required: true);
            string? type = field.Text("type", required: true);
            string? personal = field.Text("personal");
            int errors = diagnostics.Items.Count;
            new FieldHeaderValidator().Check(new FieldHeader(fieldName, type, personal, k => field.LocationOf(k)), diagnostics);
            bool headerValid = diagnostics.Items.Count == errors;
            bool? required = field.Bool("required");
            string? source = field.Text("source");
            field.Text("description");
            field.Text("label");
            YamlMapping? statistics = field.Mapping("statistics");
            field.Finish();
            if (!headerValid || fieldName is null || type is null)
            {
                continue;
            }

            if (!fieldNames.Add(fieldName))
            {
                diagnostics.Error(ModelDiagnosticIds.DuplicateId, $"Field '{fieldName}' is declared twice.", field.LocationOf("name"));
                continue;
            }

            FieldType fieldType = ParseFieldType(type);
            var definition = new FieldDefinition(fieldName, fieldType) { Source = source, IsNullable = required != true };
            if (personal is not null)
            {
                definition = definition with { Personal = ParsePersonal(personal) };
            }

            if (statistics is not null)
            {
                definition = definition with { Statistics = ReadStatistics(statistics, definition, diagnostics) };
            }

            builder?.Add(definition);
        }

        IReadOnlyList<string> key = reader.TextList("key");
        foreach (string keyField in key.Where(k => !fieldNames.Contains(k)))
        {
            string? suggestion = MappingReader.Suggest(keyField, fieldNames);
            diagnostics.Error(ModelDiagnosticIds.InvalidValue, $"Key field '{keyField}' is not a field of the dataset.", reader.LocationOf("key"), suggestion is null ? null : $"Did you mean '{suggestion}'?");
        }

        reader.Finish();
        if (builder is null)
        {
            return null;
        }

        return new DatasetDefinition
        {
            Schema = builder.Key([.. key.Where(fieldNames.Contains)]).Build(),
            Format = format switch { "jsonl" => DataFormat.JsonLines, "xlsx" => DataFormat.Xlsx, _ => DataFormat.Csv },
            Sheet = sheet,
            HeaderRow = int.TryParse(headerRow, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int row) && row >= 1 ? row : 1,
            Encoding = encoding,
            Separator = separator?[0] ?? ',',
            ArraySeparator = arraySeparator is { Length: 1 } ? arraySeparator[0] : ';',
            Description = reader.Text("description"),
            Path = file.Path,
            Location = reader.LocationOf("dataset"),
        };
    }

    /// <summary>
    /// Reads a field's <c>statistics:</c> (<c>distinct</c>, <c>nulls</c>, <c>common</c>, <c>bounds</c>) and reports what
    /// does not fit the field where it is written: a common value or bound that is not a value of the field's type, a
    /// share outside 0 to 1, shares that add up to more than 1, bounds out of order or on a field without order.
    /// </summary>
    /// <returns>The statistics, or <see langword="null"/> when something was reported.</returns>
    private static FieldStatistics? ReadStatistics(YamlMapping node, FieldDefinition field, DiagnosticList diagnostics)
    {
        int before = diagnostics.Items.Count;
        var reader = new MappingReader(node, StatisticsKeys, diagnostics, "statistics");
        int? distinct = reader.Node("distinct") is { } count && ScalarValues.TryValue(count, FieldType.Int, "'distinct'", diagnostics, out object? d) && d is long l
            ? (int)Math.Clamp(l, int.MinValue, int.MaxValue)
            : null;
        double nulls = reader.Node("nulls") is { } share && ScalarValues.TryValue(share, FieldType.Double, "'nulls'", diagnostics, out object? n) && n is double empty ? empty : 0;
        var common = new Dictionary<string, double>(StringComparer.Ordinal);
        var commonAt = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach ((YamlScalar key, YamlNode item) in reader.Mapping("common")?.Entries ?? [])
        {
            if (ScalarValues.TryValue(item, FieldType.Double, $"The share of '{key.Value}'", diagnostics, out object? s) && s is double itemShare && common.TryAdd(key.Value, itemShare))
            {
                commonAt[key.Value] = key.Location;
            }
        }

        IReadOnlyList<(string Text, SourceLocation Location)> bounds = reader.LocatedTextList("bounds");
        reader.Finish();
        var statistics = new FieldStatistics { Distinct = distinct, Nulls = nulls, Common = common, Bounds = [.. bounds.Select(b => b.Text)] };
        foreach ((string key, string? item, string message) in statistics.Problems(field))
        {
            SourceLocation at = (key, item) switch
            {
                ("common", { } value) when commonAt.TryGetValue(value, out SourceLocation location) => location,
                ("bounds", { } bound) when bounds.FirstOrDefault(b => b.Text == bound) is { Text: not null } located && located.Location != SourceLocation.None => located.Location,
                _ => reader.LocationOf(key),
            };
            diagnostics.Error(ModelDiagnosticIds.InvalidValue, message, at);
        }

        return diagnostics.Items.Count == before ? statistics : null;
    }

    public static FieldType ParseFieldType(string type) => type switch
    {
        "int" => FieldType.Int,
        "long" => FieldType.Long,
        "decimal" => FieldType.Decimal,
        "double" => FieldType.Double,
        "bool" => FieldType.Bool,
        "date" => FieldType.Date,
        "datetime" => FieldType.DateTime,
        "year_month" => FieldType.YearMonth,
        "id_number" => FieldType.IdNumber,
        "credit_code" => FieldType.CreditCode,
        "case_no" => FieldType.CaseNo,
        "string[]" => FieldType.StringArray,
        _ => FieldType.String,
    };

    private static PersonalDataKind ParsePersonal(string kind) => PersonalKinds.Parse(kind);
}
