using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Execution;

/// <summary>
/// Finds the ID-number fields of a record that fail their check (RE5012): a field warning in every dataset, evaluated
/// and reference alike, since such a value joins nothing and identifies no one.
/// </summary>
internal static class IdNumberCheck
{
    /// <summary>Gets the positions of a schema's ID-number fields.</summary>
    public static int[] FieldsOf(DatasetSchema schema) =>
        [.. schema.Fields.Select((f, i) => (f, i)).Where(x => x.f.Type == FieldType.IdNumber).Select(x => x.i)];

    /// <summary>The warning for one field of a record, or <see langword="null"/> when it is NULL or valid.</summary>
    public static RecordRejection? Check(DatasetSchema schema, Record record, int field)
    {
        if (record.Nulls[field] || record.Strings[record.Layout.Slots[field]] is not { } value || ChineseData.IdNumber.IsValid(value))
        {
            return null;
        }

        string name = schema.Fields[field].Name;
        string message = value.Contains('E', StringComparison.OrdinalIgnoreCase) && value.Contains('+', StringComparison.Ordinal)
            ? $"Field '{name}' holds a number in scientific notation, as a spreadsheet writes a long number: the ID number's digits are lost."
            : $"Field '{name}' is not a valid ID number (length, region, birth date or check character); it joins nothing and identifies no subject.";
        return new RecordRejection(schema.Name, record.Line, Diagnostics.DiagnosticIds.InvalidIdNumber, message) { Field = name };
    }
}
