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
                foreach (Record match in item.Order is null ? matches : Ordered(item, probe, slot, matches))
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
                "min" => values.Count == 0 ? null : values.Min(ValueOrder),
                "max" => values.Count == 0 ? null : values.Max(ValueOrder),
                "first" => values.Count == 0 ? null : values[0],

                // last(x ORDER BY y) is first(x ORDER BY y DESC): the matches are already in that order.
                "last" => values.Count == 0 ? null : item.Order is null ? values[^1] : values[0],
                _ => values.Take(item.Limit).Select(v => Text(v, item.ArgumentType)).ToArray(),
            };
            Set(result, field, reduced);
        }

        return result;
    }

    /// <summary>
    /// The matches in an ordered aggregate's order: by its order value, NULLs last in either direction, ties in match
    /// order. <c>last(x ORDER BY y)</c> takes the reverse direction, so that its first value is the answer.
    /// </summary>
    private static List<Record> Ordered(Item item, Record[] probe, int slot, List<Record> matches)
    {
        bool descending = item.Descending != (item.Function == "last");
        var keyed = new List<(object? Key, int Index, Record Match)>(matches.Count);
        for (int i = 0; i < matches.Count; i++)
        {
            probe[slot] = matches[i];
            keyed.Add((item.Order!(probe), i, matches[i]));
        }

        keyed.Sort((a, b) =>
        {
            int order = (a.Key, b.Key) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => descending ? ValueOrder.Compare(b.Key, a.Key) : ValueOrder.Compare(a.Key, b.Key),
            };
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });
        return [.. keyed.Select(k => k.Match)];
    }

    /// <summary>Text compares by code point, as everywhere in the language.</summary>
    /// <summary>How aggregates order values: text by code point (as SQL back ends are told to), whatever the culture; others by their own order.</summary>
    internal static readonly Comparer<object> ValueOrder = Comparer<object>.Create(static (a, b) => a is string x && b is string y ? string.CompareOrdinal(x, y) : Comparer<object>.Default.Compare(a, b));

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
    internal sealed record Item(string Function, Func<Record[], object?>? Argument, LanguageType ArgumentType, FieldType Result, BoundExpression? ArgumentExpression = null)
    {
        /// <summary>Gets the value that orders the matches for list(), first() and last(), over the context; <see langword="null"/> for match order.</summary>
        public Func<Record[], object?>? Order { get; init; }

        /// <summary>Gets the bound order, for SQL back ends.</summary>
        public BoundExpression? OrderExpression { get; init; }

        public bool Descending { get; init; }

        /// <summary>Gets how many values list() keeps.</summary>
        public int Limit { get; init; } = JoinAggregate.MaxListItems;
    }
}
