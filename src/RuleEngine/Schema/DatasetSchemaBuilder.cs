using RuleEngine.Diagnostics;

namespace RuleEngine.Schema;

/// <summary>Builds a <see cref="DatasetSchema"/> field by field.</summary>
/// <threadsafety instance="false"/>
public sealed class DatasetSchemaBuilder
{
    private readonly string _name;
    private readonly List<FieldDefinition> _fields = [];
    private readonly List<string> _keyFields = [];

    internal DatasetSchemaBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
    }

    /// <summary>Adds a field.</summary>
    /// <param name="field">The field.</param>
    /// <returns>This builder.</returns>
    public DatasetSchemaBuilder Add(FieldDefinition field)
    {
        ArgumentNullException.ThrowIfNull(field);
        _fields.Add(field);
        return this;
    }

    /// <summary>Adds a field of the given type.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="type">The field's type.</param>
    /// <param name="personal">What kind of personal data it holds.</param>
    /// <param name="source">The column or property it is read from, if not <paramref name="name"/>.</param>
    /// <returns>This builder.</returns>
    public DatasetSchemaBuilder Add(string name, FieldType type, PersonalDataKind? personal = null, string? source = null)
    {
        var field = new FieldDefinition(name, type) { Source = source };
        if (personal is { } kind)
        {
            field = field with { Personal = kind };
        }

        return Add(field);
    }

    /// <summary>Declares the fields that identify a record's subject, in order.</summary>
    /// <param name="fieldNames">The key fields.</param>
    /// <returns>This builder.</returns>
    public DatasetSchemaBuilder Key(params string[] fieldNames)
    {
        _keyFields.AddRange(fieldNames);
        return this;
    }

    /// <summary>Checks the fields and builds the schema.</summary>
    /// <returns>The schema.</returns>
    /// <exception cref="RuleCompilationException">A field name is empty or repeated, a key field is not declared, or a field's statistics do not fit it.</exception>
    public DatasetSchema Build()
    {
        var bag = new DiagnosticBag();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (FieldDefinition field in _fields)
        {
            if (string.IsNullOrWhiteSpace(field.Name))
            {
                bag.Error(DiagnosticIds.InvalidSchema, $"Dataset '{_name}' has a field with an empty name.", SourceLocation.None);
            }
            else if (!seen.Add(field.Name))
            {
                bag.Error(DiagnosticIds.InvalidSchema, $"Dataset '{_name}' declares field '{field.Name}' twice.", SourceLocation.None);
            }

            foreach ((_, _, string problem) in field.Statistics?.Problems(field) ?? [])
            {
                bag.Error(DiagnosticIds.InvalidSchema, $"Dataset '{_name}': {problem}", SourceLocation.None);
            }
        }

        foreach (string key in _keyFields.Where(k => !seen.Contains(k)))
        {
            bag.Error(DiagnosticIds.InvalidSchema, $"Key field '{key}' of dataset '{_name}' is not declared.", SourceLocation.None);
        }

        if (bag.HasErrors)
        {
            throw new RuleCompilationException(bag.Items);
        }

        return new DatasetSchema(_name, [.. _fields], [.. _keyFields]);
    }
}
