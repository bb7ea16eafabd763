namespace RuleEngine.Schema;

/// <summary>
/// Overrides how a property of a host type becomes a field when a schema is derived with
/// <see cref="DatasetSchema.FromType{T}(string)"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class DatasetFieldAttribute : Attribute
{
    /// <summary>Gets or sets the field's name; by default the property's name in snake_case.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Gets or sets the field's type: for string properties that hold an ID number, a credit code or a case number,
    /// and for <see cref="DateTime"/> properties that hold a date (<see cref="FieldType.Date"/>: the day the value falls
    /// on, so conditions compare it with <c>DATE '…'</c> without a <c>CAST</c>). Left unset, the type follows the
    /// property's CLR type.
    /// </summary>
    public FieldType Type { get; set; } = (FieldType)(-1);

    /// <summary>Gets or sets the kind of personal data the property holds.</summary>
    /// <value>Left unset: <see cref="PersonalDataKind.IdNumber"/> for ID numbers, otherwise <see cref="PersonalDataKind.None"/>.</value>
    public PersonalDataKind Personal { get; set; } = (PersonalDataKind)(-1);

    /// <summary>Gets or sets a value indicating whether the property is left out of the schema.</summary>
    public bool Ignore { get; set; }

    /// <summary>Gets or sets a value indicating whether the field is part of the dataset's key.</summary>
    public bool Key { get; set; }
}
