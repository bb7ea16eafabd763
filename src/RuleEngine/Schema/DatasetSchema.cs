using System.Collections.Frozen;
using RuleEngine.Diagnostics;

namespace RuleEngine.Schema;

/// <summary>
/// The typed schema of a dataset (court judgments, a licence registry, …): its fields, its key and its
/// personal fields. Immutable; build one with <see cref="DatasetSchemaBuilder"/> or derive one from a CLR type
/// with <see cref="FromType{T}(string)"/>.
/// </summary>
public sealed class DatasetSchema
{
    private readonly FrozenDictionary<string, int> _indexByName;

    internal DatasetSchema(string name, IReadOnlyList<FieldDefinition> fields, IReadOnlyList<string> keyFields)
    {
        Name = name;
        Fields = fields;
        KeyFields = keyFields;
        _indexByName = fields.Select((f, i) => KeyValuePair.Create(f.Name, i)).ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Gets the dataset's name, such as <c>judgments</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the fields, in declaration order.</summary>
    public IReadOnlyList<FieldDefinition> Fields { get; }

    /// <summary>Gets the fields that identify the subject of a record (a person's ID number, a company's credit code).</summary>
    public IReadOnlyList<string> KeyFields { get; }

    /// <summary>Starts a schema.</summary>
    /// <param name="name">The dataset's name.</param>
    /// <returns>A builder.</returns>
    public static DatasetSchemaBuilder Create(string name) => new(name);

    /// <summary>
    /// Derives a schema from the public readable properties of <typeparamref name="T"/>:
    /// <c>string</c>, <c>int</c>, <c>long</c>, <c>decimal</c>, <c>double</c>, <c>bool</c>, <c>DateOnly</c>,
    /// <c>DateTime</c>, <c>string[]</c> or <c>IReadOnlyList&lt;string&gt;</c>, and their nullable forms.
    /// Property names become snake_case field names (<c>FilingDate</c> → <c>filing_date</c>);
    /// <see cref="DatasetFieldAttribute"/> overrides the name, the type or the personal-data kind.
    /// </summary>
    /// <typeparam name="T">The host's record type.</typeparam>
    /// <param name="name">The dataset's name.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="RuleCompilationException">A property has a type the engine cannot hold, or two properties share a name.</exception>
    public static DatasetSchema FromType<T>(string name) => ClrSchema.Derive(typeof(T), name).Schema;

    /// <summary>Finds a field by name.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="field">The field, when found.</param>
    /// <returns>Whether the field exists.</returns>
    public bool TryGetField(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FieldDefinition? field)
    {
        if (_indexByName.TryGetValue(name, out int index))
        {
            field = Fields[index];
            return true;
        }

        field = null;
        return false;
    }

    internal int IndexOf(string name) => _indexByName.TryGetValue(name, out int index) ? index : -1;
}
