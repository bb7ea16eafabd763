namespace RuleEngine.Schema;

/// <summary>One typed field of a dataset.</summary>
/// <param name="Name">The field's name in conditions, such as <c>filing_date</c> or <c>meta.term.imprisonment</c>.</param>
/// <param name="Type">The field's type.</param>
public sealed record FieldDefinition(string Name, FieldType Type)
{
    /// <summary>Gets a value indicating whether the field may be empty. Fields are nullable by default.</summary>
    public bool IsNullable { get; init; } = true;

    /// <summary>
    /// Gets the column name (CSV header) or property path (JSON) the field is read from,
    /// when it differs from <see cref="Name"/> (for example a Chinese header such as <c>案号</c>).
    /// </summary>
    public string? Source { get; init; }

    /// <summary>Gets what kind of personal data the field holds. ID-number fields are personal by type.</summary>
    public PersonalDataKind Personal { get; init; } = Type == FieldType.IdNumber ? PersonalDataKind.IdNumber : PersonalDataKind.None;

    /// <summary>
    /// Gets how the field's values are spread, when the model declares it: the rule index then estimates the tests on
    /// this field from the declaration instead of measuring them on the first records (see <see cref="FieldStatistics"/>).
    /// </summary>
    public FieldStatistics? Statistics { get; init; }

    /// <summary>Gets the name the field is read from: <see cref="Source"/> if set, otherwise <see cref="Name"/>.</summary>
    public string SourceName => Source ?? Name;
}
