using System.Linq.Expressions;
using System.Reflection;
using RuleEngine.ChineseData;
using RuleEngine.Records;
using RuleEngine.Schema;
using static System.Linq.Expressions.Expression;

namespace RuleEngine.Language;

/// <summary>
/// Reads a field straight from a host object's property, as the plain value compiled code uses (integers as
/// <see langword="long"/>, dates as day numbers — from <see cref="DateOnly"/> or the day of a <see cref="DateTime"/>,
/// timestamps as ticks) and the test that it is NULL (a <see cref="Nullable{T}"/> without a value, a null reference).
/// Identity numbers, credit codes and case numbers are normalised as a reader would.
/// </summary>
internal static class ObjectFields
{
    /// <summary>Whether a property of <paramref name="propertyType"/> can be read as a field of <paramref name="type"/>.</summary>
    public static bool CanRead(Type propertyType, FieldType type)
    {
        Type t = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        return type switch
        {
            FieldType.Int or FieldType.Long => t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte),
            FieldType.Decimal => t == typeof(decimal),
            FieldType.Double => t == typeof(double) || t == typeof(float),
            FieldType.Bool => t == typeof(bool),
            FieldType.Date or FieldType.YearMonth => t == typeof(DateOnly) || t == typeof(DateTime),
            FieldType.DateTime => t == typeof(DateTime),
            FieldType.StringArray => typeof(IEnumerable<string>).IsAssignableFrom(t) && t != typeof(string),
            _ => t == typeof(string),
        };
    }

    /// <summary>The plain value of <paramref name="field"/> read from <paramref name="property"/> of <paramref name="item"/>, and its NULL test (<see langword="null"/> for a reference, which is itself null when NULL).</summary>
    public static (Expression? IsNull, Expression Value) Read(Expression item, PropertyInfo property, FieldDefinition field)
    {
        Expression read = Property(item, property);
        Expression? isNull = null;
        if (Nullable.GetUnderlyingType(read.Type) is not null)
        {
            isNull = Not(Property(read, nameof(Nullable<int>.HasValue)));
            read = Call(read, read.Type.GetMethod(nameof(Nullable<int>.GetValueOrDefault), Type.EmptyTypes)!);
        }

        Expression value = field.Type switch
        {
            FieldType.Int or FieldType.Long => Convert(read, typeof(long)),
            FieldType.Double => Convert(read, typeof(double)),
            FieldType.Date or FieldType.YearMonth => Day(read, field.Type == FieldType.YearMonth),
            FieldType.DateTime => Property(read, nameof(DateTime.Ticks)),
            FieldType.StringArray => read.Type == typeof(string[]) ? read : Call(typeof(ObjectFields).GetMethod(nameof(ToArray), BindingFlags.NonPublic | BindingFlags.Static)!, Convert(read, typeof(IEnumerable<string>))),
            FieldType.IdNumber => Call(typeof(ObjectFields).GetMethod(nameof(Normalized), BindingFlags.NonPublic | BindingFlags.Static)!, read, Constant(FieldType.IdNumber)),
            FieldType.CreditCode => Call(typeof(ObjectFields).GetMethod(nameof(Normalized), BindingFlags.NonPublic | BindingFlags.Static)!, read, Constant(FieldType.CreditCode)),
            FieldType.CaseNo => Call(typeof(ObjectFields).GetMethod(nameof(Normalized), BindingFlags.NonPublic | BindingFlags.Static)!, read, Constant(FieldType.CaseNo)),
            _ => read,
        };
        return (isNull, value);
    }

    private static Expression Day(Expression read, bool monthStart)
    {
        Expression date = read.Type == typeof(DateTime) ? Call(typeof(DateOnly).GetMethod(nameof(DateOnly.FromDateTime), [typeof(DateTime)])!, read) : read;
        if (monthStart)
        {
            date = Call(typeof(YearMonths).GetMethod(nameof(YearMonths.Start), [typeof(DateOnly)])!, date);
        }

        return Property(date, nameof(DateOnly.DayNumber));
    }

    private static string[]? ToArray(IEnumerable<string>? values) => values switch
    {
        null => null,
        string[] array => array,
        _ => [.. values],
    };

    private static string? Normalized(string? value, FieldType type) => value is null ? null : type switch
    {
        FieldType.IdNumber => IdNumber.Normalize(value),
        FieldType.CreditCode => CreditCode.Normalize(value),
        _ => CaseNumber.Normalize(value),
    };
}
