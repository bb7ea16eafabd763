using System.Data;
using System.Data.Common;
using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>Writes one column of a data reader's current row into a typed slot: typed getters where the column's type allows, else invariant text.</summary>
internal static class DataReaderFieldWriter
{
    /// <summary>Writes column <paramref name="ordinal"/> (of CLR type <paramref name="column"/>) into field <paramref name="field"/>.</summary>
    /// <returns><see langword="null"/> on success, otherwise the code and message of the failure (never the value).</returns>
    public static (string Code, string Message)? Write(IDataReader reader, int ordinal, Type column, int field, FieldDefinition definition, Record target)
    {
        if (reader.IsDBNull(ordinal))
        {
            return FieldValueParser.WriteNull(target, field, definition);
        }

        try
        {
            switch (definition.Type)
            {
                case FieldType.Int or FieldType.Long when column == typeof(long) || column == typeof(int) || column == typeof(short):
                    long integer = column == typeof(long) ? reader.GetInt64(ordinal) : column == typeof(int) ? reader.GetInt32(ordinal) : reader.GetInt16(ordinal);
                    if (definition.Type == FieldType.Int && integer is < int.MinValue or > int.MaxValue)
                    {
                        return (DiagnosticIds.ValueOutOfRange, $"Field '{definition.Name}' is outside the range of Int.");
                    }

                    target.SetInt64(field, integer);
                    return null;
                case FieldType.Decimal when column == typeof(decimal):
                    target.SetDecimal(field, reader.GetDecimal(ordinal));
                    return null;
                case FieldType.Double when column == typeof(double):
                    double dbl = reader.GetDouble(ordinal);
                    if (!double.IsFinite(dbl))
                    {
                        return (DiagnosticIds.ValueOutOfRange, $"Field '{definition.Name}' is not a finite number.");
                    }

                    target.SetDouble(field, dbl);
                    return null;
                case FieldType.Bool when column == typeof(bool):
                    target.SetInt64(field, reader.GetBoolean(ordinal) ? 1 : 0);
                    return null;
                case FieldType.Date when column == typeof(DateOnly) && reader is DbDataReader db:
                    target.SetInt64(field, db.GetFieldValue<DateOnly>(ordinal).DayNumber);
                    return null;
                case FieldType.Date when column == typeof(DateTime):
                    target.SetInt64(field, DateOnly.FromDateTime(reader.GetDateTime(ordinal)).DayNumber);
                    return null;
                case FieldType.YearMonth when column == typeof(DateOnly) && reader is DbDataReader db:
                    target.SetInt64(field, YearMonths.Start(db.GetFieldValue<DateOnly>(ordinal)).DayNumber);
                    return null;
                case FieldType.YearMonth when column == typeof(DateTime):
                    target.SetInt64(field, YearMonths.Start(DateOnly.FromDateTime(reader.GetDateTime(ordinal))).DayNumber);
                    return null;
                case FieldType.DateTime when column == typeof(DateTime):
                    target.SetInt64(field, reader.GetDateTime(ordinal).Ticks);
                    return null;
                case FieldType.StringArray when reader.GetValue(ordinal) is IEnumerable<string> items:
                    target.SetArray(field, [.. items]);
                    return null;
            }

            object value = reader.GetValue(ordinal);
            string text = value switch
            {
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            };
            return FieldValueParser.TryWrite(target, field, definition, text, ';');
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            return (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' cannot be read as {definition.Type}.");
        }
    }
}
