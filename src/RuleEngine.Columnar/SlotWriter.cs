using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Columnar;

/// <summary>
/// Writes one typed column value into a record's slot with the engine's rules: integers range-checked, numbers
/// finite, text through the same parser CSV uses (so ID numbers, credit codes and case numbers are normalised and a
/// date column held as text is parsed), anything else as invariant text. Failures carry a code, never the value.
/// </summary>
internal static class SlotWriter
{
    public static (string Code, string Message)? Null(Record record, int field, FieldDefinition definition) =>
        FieldValueParser.WriteNull(record, field, definition);

    public static (string Code, string Message)? Write(Record record, int field, FieldDefinition definition, long value)
    {
        switch (definition.Type)
        {
            case FieldType.Int when value is < int.MinValue or > int.MaxValue:
                return (DiagnosticIds.ValueOutOfRange, $"Field '{definition.Name}' is outside the range of Int.");
            case FieldType.Int or FieldType.Long:
                record.SetInt64(field, value);
                return null;
            case FieldType.Decimal:
                record.SetDecimal(field, value);
                return null;
            case FieldType.Double:
                record.SetDouble(field, value);
                return null;
            default:
                return Text(record, field, definition, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    public static (string Code, string Message)? Write(Record record, int field, FieldDefinition definition, double value)
    {
        if (!double.IsFinite(value))
        {
            return (DiagnosticIds.ValueOutOfRange, $"Field '{definition.Name}' is not a finite number.");
        }

        switch (definition.Type)
        {
            case FieldType.Double:
                record.SetDouble(field, value);
                return null;
            default:
                return Text(record, field, definition, value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// A decimal from a column of fixed scale (Parquet's and Arrow's DECIMAL(p, s)) loses the trailing zeros the scale
    /// added, so 1500.5 is not shown as 1500.5000000000; the value is unchanged.
    /// </summary>
    public static (string Code, string Message)? Write(Record record, int field, FieldDefinition definition, decimal value)
    {
        value = DecimalScale.WithoutTrailingZeros(value);
        switch (definition.Type)
        {
            case FieldType.Decimal:
                record.SetDecimal(field, value);
                return null;
            case FieldType.Double:
                record.SetDouble(field, (double)value);
                return null;
            default:
                return Text(record, field, definition, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    public static (string Code, string Message)? Write(Record record, int field, FieldDefinition definition, bool value)
    {
        if (definition.Type == FieldType.Bool)
        {
            record.SetInt64(field, value ? 1 : 0);
            return null;
        }

        return Text(record, field, definition, value ? "true" : "false");
    }

    public static (string Code, string Message)? Write(Record record, int field, FieldDefinition definition, DateOnly value)
    {
        switch (definition.Type)
        {
            case FieldType.Date:
                record.SetInt64(field, value.DayNumber);
                return null;
            case FieldType.YearMonth:
                record.SetInt64(field, YearMonths.Start(value).DayNumber);
                return null;
            case FieldType.DateTime:
                record.SetInt64(field, value.ToDateTime(TimeOnly.MinValue).Ticks);
                return null;
            default:
                return Text(record, field, definition, value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }

    public static (string Code, string Message)? Write(Record record, int field, FieldDefinition definition, DateTime value)
    {
        switch (definition.Type)
        {
            case FieldType.Date:
                record.SetInt64(field, DateOnly.FromDateTime(value).DayNumber);
                return null;
            case FieldType.YearMonth:
                record.SetInt64(field, YearMonths.Start(DateOnly.FromDateTime(value)).DayNumber);
                return null;
            case FieldType.DateTime:
                record.SetInt64(field, value.Ticks);
                return null;
            default:
                return Text(record, field, definition, value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'));
        }
    }

    /// <summary>
    /// Text: a plain string field, or an ID number already in its normalised 18-character form, keeps the string it
    /// was read as (no copy); everything else goes through the CSV cell parser.
    /// </summary>
    public static (string Code, string Message)? Write(Record record, int field, FieldDefinition definition, string value)
    {
        bool asIs = value.Length > 0 && definition.Type switch
        {
            FieldType.String => !value.Contains('\uFFFD', StringComparison.Ordinal),
            FieldType.IdNumber => IsCanonicalIdNumber(value),
            _ => false,
        };
        if (asIs)
        {
            record.SetString(field, value);
            return null;
        }

        return Text(record, field, definition, value);
    }

    private static bool IsCanonicalIdNumber(string value) =>
        value.Length == 18 && !value.AsSpan(0, 17).ContainsAnyExceptInRange('0', '9') && (char.IsAsciiDigit(value[17]) || value[17] == 'X');

    public static (string Code, string Message)? Write(Record record, int field, FieldDefinition definition, string[] items)
    {
        if (definition.Type == FieldType.StringArray)
        {
            record.SetArray(field, items);
            return null;
        }

        return (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' is a list in the file but {definition.Type} in the schema.");
    }

    private static (string Code, string Message)? Text(Record record, int field, FieldDefinition definition, string text) =>
        FieldValueParser.TryWrite(record, field, definition, text, ';');
}
