using RuleEngine.ChineseData;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>Thrown by a compiled object writer when a property holds a value its field cannot take.</summary>
internal sealed class FieldRejectedException(string code, string field, string message) : Exception(message)
{
    public string Code { get; } = code;

    public string Field { get; } = field;
}

/// <summary>Writes host property values into typed slots; called by compiled writers (see <see cref="ClrSchema"/>).</summary>
internal static class ObjectFieldWriter
{
    public static void WriteInt64(Record record, int field, FieldDefinition definition, long? value)
    {
        if (value is { } v)
        {
            record.SetInt64(field, v);
        }
        else
        {
            WriteNull(record, field, definition);
        }
    }

    public static void WriteBool(Record record, int field, FieldDefinition definition, bool? value) =>
        WriteInt64(record, field, definition, value is { } v ? (v ? 1 : 0) : null);

    public static void WriteDate(Record record, int field, FieldDefinition definition, DateOnly? value) =>
        WriteInt64(record, field, definition, value is { } date && definition.Type == FieldType.YearMonth ? YearMonths.Start(date).DayNumber : value?.DayNumber);

    public static void WriteDateTime(Record record, int field, FieldDefinition definition, DateTime? value) =>
        WriteInt64(record, field, definition, value?.Ticks);

    public static void WriteDouble(Record record, int field, FieldDefinition definition, double? value)
    {
        if (value is { } v)
        {
            if (!double.IsFinite(v))
            {
                throw new FieldRejectedException(DiagnosticIds.ValueOutOfRange, definition.Name, $"Field '{definition.Name}' is not a finite number.");
            }

            record.SetDouble(field, v);
        }
        else
        {
            WriteNull(record, field, definition);
        }
    }

    public static void WriteDecimal(Record record, int field, FieldDefinition definition, decimal? value)
    {
        if (value is { } v)
        {
            record.SetDecimal(field, v);
        }
        else
        {
            WriteNull(record, field, definition);
        }
    }

    public static void WriteString(Record record, int field, FieldDefinition definition, string? value)
    {
        if (value is null)
        {
            WriteNull(record, field, definition);
            return;
        }

        record.SetString(field, definition.Type switch
        {
            FieldType.IdNumber => IdNumber.Normalize(value),
            FieldType.CreditCode => CreditCode.Normalize(value),
            FieldType.CaseNo => CaseNumber.Normalize(value),
            _ => value,
        });
    }

    public static void WriteArray(Record record, int field, FieldDefinition definition, IEnumerable<string>? value)
    {
        if (value is null)
        {
            WriteNull(record, field, definition);
            return;
        }

        record.SetArray(field, value as string[] ?? [.. value]);
    }

    private static void WriteNull(Record record, int field, FieldDefinition definition)
    {
        if (!definition.IsNullable)
        {
            throw new FieldRejectedException(DiagnosticIds.InvalidValue, definition.Name, $"Field '{definition.Name}' is required but null.");
        }

        record.SetNull(field);
    }
}
