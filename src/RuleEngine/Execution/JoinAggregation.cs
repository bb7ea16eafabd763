using System.Globalization;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Execution;

/// <summary>
/// The aggregates of an aggregating join: each evaluated over every match (the match in the join's slot of the
/// context) and reduced into one record, which then stands in the slot for the rule's condition and clue.
/// </summary>
/// <param name="layout">The layout of the record of aggregates, one field per aggregate.</param>
/// <param name="items">The aggregates, in field order.</param>
internal sealed class JoinAggregation(RecordLayout layout, JoinAggregation.Item[] items)
{
    /// <summary>Gets the layout of the record of aggregates that stands in the join's slot.</summary>
    public RecordLayout Layout { get; } = layout;

    /// <summary>Gets the aggregates, in field order.</summary>
    public IReadOnlyList<Item> Items { get; } = items;

    /// <summary>Reduces the matches of one record context into a new record of aggregates.</summary>
    public Record Aggregate(Record[] context, int slot, List<Record> matches)
    {
        Record result = Layout.CreateRecord();
        var probe = (Record[])context.Clone();
        var values = new List<object>(matches.Count);
        for (int field = 0; field < Items.Count; field++)
        {
            Item item = Items[field];
            values.Clear();
            if (item.Argument is { } argument)
            {
                foreach (Record match in matches)
                {
                    probe[slot] = match;
                    if (argument(probe) is { } value)
                    {
                        values.Add(value);
                    }
                }
            }

            object? reduced = item.Function switch
            {
                "count" => (long)matches.Count,
                "count_distinct" => (long)values.Distinct().Count(),
                "sum" => values.Count == 0 ? null : Sum(values, item.Result),
                "min" => values.Count == 0 ? null : values.Min(Order),
                "max" => values.Count == 0 ? null : values.Max(Order),
                _ => values.Take(JoinAggregate.MaxListItems).Select(v => Text(v, item.ArgumentType)).ToArray(),
            };
            Set(result, field, reduced);
        }

        return result;
    }

    /// <summary>Text compares by code point, as everywhere in the language.</summary>
    private static readonly Comparer<object> Order = Comparer<object>.Create(static (a, b) => a is string x && b is string y ? string.CompareOrdinal(x, y) : Comparer<object>.Default.Compare(a, b));

    private static object Sum(List<object> values, FieldType type) => type switch
    {
        FieldType.Decimal => values.Sum(v => (decimal)v),
        FieldType.Double => values.Sum(v => (double)v),
        _ => values.Aggregate(0L, (total, v) => checked(total + (long)v)),
    };

    private static string Text(object value, LanguageType type) => (type, value) switch
    {
        (LanguageType.Date, int day) => DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        (LanguageType.Timestamp, long ticks) => new DateTime(ticks).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        (_, bool flag) => flag ? "true" : "false",
        (_, string[] items) => string.Join(';', items),
        (_, IFormattable formattable) => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static void Set(Record record, int field, object? value)
    {
        switch (value)
        {
            case null:
                record.SetNull(field);
                break;
            case string[] list:
                record.SetArray(field, list);
                break;
            case decimal number:
                record.SetDecimal(field, number);
                break;
            case double number:
                record.SetDouble(field, number);
                break;
            case string text:
                record.SetString(field, text);
                break;
            case bool flag:
                record.SetInt64(field, flag ? 1 : 0);
                break;
            default:
                record.SetInt64(field, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>One aggregate: its function, its argument over the record context (<see langword="null"/> for <c>count()</c>), the argument's type and the result's, and the bound argument for SQL back ends.</summary>
    internal sealed record Item(string Function, Func<Record[], object?>? Argument, LanguageType ArgumentType, FieldType Result, BoundExpression? ArgumentExpression = null);
}
