using RuleEngine.Diagnostics;
using RuleEngine.Schema;
using RuleEngine.Yaml.Reading;

namespace RuleEngine.Yaml.Binding;

/// <summary>Reads a dataset file (<c>dataset:</c> at the top) into a <see cref="DatasetDefinition"/>.</summary>
internal static class DatasetReader
{
    internal static readonly string[] Keys = ["dataset", "description", "format", "encoding", "separator", "array_separator", "sheet", "header_row", "key", "fields"];
    internal static readonly string[] FieldKeys = ["name", "type", "source", "personal", "required", "description", "label"];

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
