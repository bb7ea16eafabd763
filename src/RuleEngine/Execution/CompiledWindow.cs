using System.Globalization;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Execution;

/// <summary>
/// One aggregate of a window's <c>having</c>, computed evidence or derived fields: <c>count()</c>, <c>count_distinct(f)</c>,
/// <c>sum(f)</c>, <c>avg(f)</c>, <c>min(f)</c>, <c>max(f)</c>, or the group's key (<see cref="Language.AggregateRewriter.Key"/>).
/// </summary>
/// <param name="Function">The function's name.</param>
/// <param name="Field">The field it reads in the rule's dataset, or -1 for <c>count()</c>.</param>
/// <param name="Text">The call as written, used to name its value in evidence.</param>
/// <param name="Type">The type of its value.</param>
internal sealed record AggregateSpec(string Function, int Field, string Text, FieldType Type)
{
    /// <summary>What the aggregate is as personal data: min() and max() of a personal field are one of its values, a sum of it is made from them; a count is not.</summary>
    public PersonalDataKind PersonalIn(DatasetSchema schema)
    {
        if (Field < 0 || Function is "count" or "count_distinct")
        {
            return PersonalDataKind.None;
        }

        PersonalDataKind field = schema.Fields[Field].Personal;
        return Function is "min" or "max" or Language.AggregateRewriter.Key || field == PersonalDataKind.None ? field : PersonalDataKind.Other; // a sum or a mean wholly
    }
}

/// <summary>A window rule's plan: the key, the date, the aggregates its <c>having</c> reads, and what each member keeps.</summary>
internal sealed class CompiledWindow
{
    public required WindowDefinition Definition { get; init; }

    public required DatasetSchema Schema { get; init; }

    public required int GroupField { get; init; }

    public required int OverField { get; init; }

    public required AggregateSpec[] Aggregates { get; init; }

    /// <summary>Gets the layout of the record that holds a window's aggregates, one field per aggregate.</summary>
    public required RecordLayout AggregateLayout { get; init; }

    public required Func<Record, bool> Having { get; init; }

    /// <summary>Gets the bound <c>having</c> over the aggregate record, for SQL back ends.</summary>
    public required Language.BoundExpression HavingExpression { get; init; }

    /// <summary>Gets the fields of the rule's dataset a member keeps (evidence, title, aggregate inputs).</summary>
    public required int[] SnapshotFields { get; init; }

    /// <summary>Gets, for each field of the schema, its position in a member's values, or -1.</summary>
    public required int[] SnapshotIndex { get; init; }

    /// <summary>Writes an aggregate's value into the aggregate record.</summary>
    public static void SetAggregate(Record aggregates, int field, FieldType type, object? value)
    {
        if (value is null)
        {
            aggregates.SetNull(field);
            return;
        }

        switch (type)
        {
            case FieldType.Decimal:
                aggregates.SetDecimal(field, (decimal)value);
                break;
            case FieldType.Double:
                aggregates.SetDouble(field, (double)value);
                break;
            case FieldType.Date or FieldType.YearMonth:
                aggregates.SetInt64(field, ((DateOnly)value).DayNumber);
                break;
            case FieldType.DateTime:
                aggregates.SetInt64(field, ((DateTime)value).Ticks);
                break;
            case FieldType.String or FieldType.IdNumber or FieldType.CreditCode or FieldType.CaseNo:
                aggregates.SetString(field, (string)value);
                break;
            case FieldType.Bool:
                aggregates.SetInt64(field, (bool)value ? 1 : 0);
                break;
            default:
                aggregates.SetInt64(field, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}

/// <summary>A record counted by a window rule, reduced to the values the rule needs.</summary>
internal sealed class WindowMember(int day, long sequence, long line, object?[] values)
{
    public int Day { get; } = day;

    /// <summary>Gets the arrival order, which always increases.</summary>
    public long Sequence { get; } = sequence;

    public long Line { get; } = line;

    public object?[] Values { get; } = values;
}

/// <summary>A run of arrivals for one key during which the window met <c>having</c>; one clue each.</summary>
internal sealed class WindowEpisode(string key, WindowMember first)
{
    public string Key { get; } = key;

    public long FirstSequence { get; } = first.Sequence;

    public int FirstDay { get; set; } = first.Day;

    public int LastDay { get; set; } = first.Day;

    public long Total { get; set; }

    public long LastSequenceAdded { get; set; } = long.MinValue;

    public List<WindowMember> Members { get; } = [];

    public long PeakCount { get; set; } = -1;

    public List<(string Text, object? Value)> PeakAggregates { get; set; } = [];

    public Clues.ConditionOutcome[] FilterLeaves { get; set; } = [];
}
