using System.Collections.Frozen;
using RuleEngine.Records;

namespace RuleEngine.Schema;

/// <summary>
/// How a field's values are spread, as a model declares it (after PostgreSQL's column statistics: distinct values,
/// the most common values with their shares, equal-frequency bounds). The rule index files each rule under the test
/// that the fewest records pass; it measures that on the first records of a run (or a matcher's first objects), and a
/// run that starts on unrepresentative data — a file sorted by cause, a month with one court's cases first — files
/// rules badly. A declared field is estimated from its declaration instead, whatever the sample holds. Statistics
/// only steer the choice of index: clues are the same with or without them.
/// </summary>
/// <remarks>
/// Values are written as a CSV cell of the field would be (<c>2024-03-01</c>, <c>1500.5</c>, <c>true</c>); a list
/// field's common values are single items, each with the share of records whose list holds it.
/// </remarks>
public sealed record FieldStatistics
{
    /// <summary>Gets how many different values the field takes, or <see langword="null"/> when not declared.</summary>
    public int? Distinct { get; init; }

    /// <summary>Gets the share of records (0 to 1) in which the field is empty.</summary>
    public double Nulls { get; init; }

    /// <summary>Gets the most common values, each with the share of records (0 to 1) that hold it.</summary>
    public IReadOnlyDictionary<string, double> Common { get; init; } = FrozenDictionary<string, double>.Empty;

    /// <summary>
    /// Gets equal-frequency bounds of a number or date field, ascending: the values (other than the common ones)
    /// are spread evenly among the intervals between consecutive bounds, and none lies outside the first and last.
    /// Two bounds declare a range the values are spread evenly over.
    /// </summary>
    public IReadOnlyList<string> Bounds { get; init; } = [];

    /// <summary>
    /// What is wrong with these statistics for <paramref name="field"/>: each a sentence naming the field, with the key
    /// it is about (<c>distinct</c>, <c>nulls</c>, <c>common</c>, <c>bounds</c>) and the common value or the bound
    /// when it is about one; empty when nothing is.
    /// </summary>
    internal IEnumerable<(string Key, string? Item, string Message)> Problems(FieldDefinition field)
    {
        string name = field.Name;
        if (Distinct is < 1)
        {
            yield return ("distinct", null, $"Field '{name}' declares {Distinct} distinct values; write a count of at least 1.");
        }
        else if (Distinct is { } distinct && distinct < Common.Count && field.Type != FieldType.StringArray)
        {
            yield return ("distinct", null, $"Field '{name}' declares {distinct} distinct values but {Common.Count} common ones.");
        }

        if (!IsShare(Nulls))
        {
            yield return ("nulls", null, $"Field '{name}' declares a share of empty values outside 0 to 1.");
        }

        var layout = new RecordLayout(new DatasetSchema("statistics", [field with { IsNullable = true }], []));
        foreach ((string value, double share) in Common)
        {
            if (!IsShare(share) || share == 0)
            {
                yield return ("common", value, $"Field '{name}': the share of common value '{value}' is not above 0 and at most 1.");
            }

            if (Parse(layout, field, value) is null)
            {
                yield return ("common", value, $"Field '{name}': common value '{value}' is not a valid {field.Type} value.");
            }
        }

        if (field.Type != FieldType.StringArray && IsShare(Nulls) && Common.Values.Where(IsShare).Sum() + Nulls > 1 + 1e-9)
        {
            yield return ("common", null, $"Field '{name}': the shares of its common values and of empty values add up to more than 1.");
        }

        if (Bounds.Count == 0)
        {
            yield break;
        }

        if (StorageKinds.Of(field.Type) is StorageKind.String or StorageKind.StringArray || field.Type == FieldType.Bool)
        {
            yield return ("bounds", null, $"Field '{name}' declares bounds, but a {field.Type} field has no order to spread values over; declare its common values.");
            yield break;
        }

        if (Bounds.Count < 2)
        {
            yield return ("bounds", null, $"Field '{name}' declares one bound; write at least two (the lowest and the highest value).");
            yield break;
        }

        double?[] bounds = [.. Bounds.Select(b => Parse(layout, field, b) is { } record ? Number(record, 0) : (double?)null)];
        for (int i = 0; i < bounds.Length; i++)
        {
            if (bounds[i] is null)
            {
                yield return ("bounds", Bounds[i], $"Field '{name}': bound '{Bounds[i]}' is not a valid {field.Type} value.");
            }
            else if (i > 0 && bounds[i - 1] is { } previous && bounds[i] < previous)
            {
                yield return ("bounds", Bounds[i], $"Field '{name}': bound '{Bounds[i]}' is below the bound before it; write bounds in ascending order.");
            }
        }
    }

    /// <summary>A record of <paramref name="layout"/> holding <paramref name="value"/> in field 0, or <see langword="null"/> when it does not parse.</summary>
    internal static Record? Parse(RecordLayout layout, FieldDefinition field, string value) => Parse(layout, 0, field, value);

    /// <summary>A record of <paramref name="layout"/> holding <paramref name="value"/> in field <paramref name="index"/> (a list field holds it as its one item), the other fields empty; <see langword="null"/> when it does not parse.</summary>
    internal static Record? Parse(RecordLayout layout, int index, FieldDefinition field, string value)
    {
        var record = new Record(layout);
        record.SetAllNull();
        if (value.Length == 0)
        {
            return null;
        }

        if (field.Type == FieldType.StringArray)
        {
            record.SetArray(index, [value]);
            return record;
        }

        return FieldValueParser.TryWrite(record, index, field, value, ';') is null && !record.Nulls[index] ? record : null;
    }

    /// <summary>The value of a number or date field of a record as a number (dates as day numbers, times as ticks).</summary>
    internal static double Number(Record record, int index) => record.Layout.Kinds[index] switch
    {
        StorageKind.Decimal => (double)record.Decimals[record.Layout.Slots[index]],
        StorageKind.Double => record.Doubles[record.Layout.Slots[index]],
        _ => record.Int64s[record.Layout.Slots[index]],
    };

    private static bool IsShare(double share) => share is >= 0 and <= 1;
}
