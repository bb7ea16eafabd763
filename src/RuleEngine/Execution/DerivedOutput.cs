using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Execution;

/// <summary>How a deriving rule turns a matched record context into a record of its derived dataset.</summary>
/// <param name="layout">The derived dataset's layout.</param>
/// <param name="fields">Each field's value over the record context, in the language's representation.</param>
internal sealed class DerivedOutput(RecordLayout layout, Func<Record[], object?>[] fields)
{
    public RecordLayout Layout { get; } = layout;

    /// <summary>The derived record of a context; it carries the line of the rule's own record.</summary>
    public Record Create(Record[] context)
    {
        Record record = Layout.CreateRecord();
        record.Line = context[0].Line;
        for (int i = 0; i < fields.Length; i++)
        {
            object? value = fields[i](context);
            if (value is null)
            {
                record.SetNull(i);
                continue;
            }

            switch (Layout.Schema.Fields[i].Type)
            {
                case FieldType.Decimal:
                    record.SetDecimal(i, (decimal)value);
                    break;
                case FieldType.Double:
                    record.SetDouble(i, (double)value);
                    break;
                case FieldType.Bool:
                    record.SetInt64(i, (bool)value ? 1 : 0);
                    break;
                case FieldType.StringArray:
                    record.SetArray(i, (string[])value);
                    break;
                case FieldType.Int or FieldType.Long or FieldType.Date or FieldType.DateTime or FieldType.YearMonth:
                    record.SetInt64(i, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    record.SetString(i, (string)value);
                    break;
            }
        }

        return record;
    }
}
