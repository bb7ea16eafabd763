using System.Collections.Frozen;
using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>An index over one field: given a record, adds the rules filed under what the record holds there.</summary>
internal abstract class FieldIndex
{
    /// <summary>Gets the most candidates one record can collect from this index.</summary>
    public abstract int Capacity { get; }

    /// <summary>Gets whether one record can collect the same rule twice from this index.</summary>
    public virtual bool Repeats => false;

    /// <summary>Gets the buckets, for sizing and description.</summary>
    public abstract IEnumerable<RuleBucket> Buckets { get; }

    /// <summary>Gets the field the index reads.</summary>
    public abstract int Field { get; }

    public abstract void Collect(Record record, Span<int> buffer, ref int count);
}

/// <summary>The rules filed under one value: a list, or a further dispatch on the other keys they have.</summary>
internal sealed record RuleBucket(int[] Rules, RuleDispatch? Split)
{
    public int Capacity => Rules.Length + (Split?.Capacity ?? 0);

    public void Collect(Record record, Span<int> buffer, ref int count)
    {
        int[] rules = Rules;
        rules.CopyTo(buffer[count..]);
        count += rules.Length;
        Split?.Collect(record, buffer, ref count);
    }
}

/// <summary>Equality and <c>IN</c> on a text field: one hash lookup.</summary>
internal sealed class TextEqualsIndex(int field, int slot, FrozenDictionary<string, RuleBucket> rules) : FieldIndex
{
    public override int Field => @field;

    public override int Capacity { get; } = rules.Values.Max(b => b.Capacity);

    public override IEnumerable<RuleBucket> Buckets => rules.Values;

    public override void Collect(Record record, Span<int> buffer, ref int count)
    {
        if (record.Strings[slot] is { } value && rules.TryGetValue(value, out RuleBucket? bucket))
        {
            bucket.Collect(record, buffer, ref count);
        }
    }
}

/// <summary>Equality and <c>IN</c> on an integer, date or truth field: one hash lookup.</summary>
internal sealed class IntegerEqualsIndex(int field, int slot, FrozenDictionary<long, RuleBucket> rules) : FieldIndex
{
    public override int Field => @field;

    public override int Capacity { get; } = rules.Values.Max(b => b.Capacity);

    public override IEnumerable<RuleBucket> Buckets => rules.Values;

    public override void Collect(Record record, Span<int> buffer, ref int count)
    {
        if (!record.Nulls[field] && rules.TryGetValue(record.Int64s[slot], out RuleBucket? bucket))
        {
            bucket.Collect(record, buffer, ref count);
        }
    }
}

/// <summary>
/// Ranges on one numeric or date field as elementary intervals: the sorted distinct bounds cut the line into
/// points and the gaps between them, and each piece lists the rules whose range covers it. A record finds its piece
/// by binary search.
/// </summary>
internal sealed class RangeIndex<T>(int field, int slot, StorageKind storage, T[] bounds, int[][] pieces) : FieldIndex
    where T : IComparable<T>
{
    public override int Field => @field;

    public override int Capacity { get; } = pieces.Max(p => p.Length);

    public override IEnumerable<RuleBucket> Buckets => pieces.Select(p => new RuleBucket(p, null));

    public override void Collect(Record record, Span<int> buffer, ref int count)
    {
        if (record.Nulls[field])
        {
            return;
        }

        T value = storage switch
        {
            StorageKind.Decimal => (T)(object)record.Decimals[slot],
            StorageKind.Double => (T)(object)record.Doubles[slot],
            _ => (T)(object)record.Int64s[slot],
        };
        int[] rules = pieces[Piece(bounds, value)];
        rules.CopyTo(buffer[count..]);
        count += rules.Length;
    }

    /// <summary>The piece of a value: <c>2i+1</c> for the bound <c>i</c> itself, <c>2i</c> for the gap below it, <c>2m</c> above the last.</summary>
    public static int Piece(T[] bounds, T value)
    {
        int low = 0;
        int high = bounds.Length - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            int order = bounds[middle].CompareTo(value);
            if (order == 0)
            {
                return (2 * middle) + 1;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return 2 * low;
    }
}

/// <summary><c>starts_with</c> and <c>LIKE 'p%'</c> on a text field: one lookup per distinct prefix length, without copying.</summary>
internal sealed class PrefixIndex(int field, int slot, int[] lengths, FrozenDictionary<string, RuleBucket> rules) : FieldIndex
{
    public override int Field => @field;

    private readonly FrozenDictionary<string, RuleBucket>.AlternateLookup<ReadOnlySpan<char>> _lookup = rules.GetAlternateLookup<ReadOnlySpan<char>>();

    public override int Capacity { get; } = rules.Values.Sum(b => b.Capacity);

    public override IEnumerable<RuleBucket> Buckets => rules.Values;

    public override void Collect(Record record, Span<int> buffer, ref int count)
    {
        if (record.Strings[slot] is not { } value)
        {
            return;
        }

        foreach (int length in lengths)
        {
            if (length > value.Length)
            {
                break;
            }

            if (_lookup.TryGetValue(value.AsSpan(0, length), out RuleBucket? bucket))
            {
                bucket.Collect(record, buffer, ref count);
            }
        }
    }
}

/// <summary><c>array_contains</c> on a list field: one lookup per distinct element of the record's list.</summary>
internal sealed class TagIndex(int field, int slot, FrozenDictionary<string, RuleBucket> rules) : FieldIndex
{
    public override int Field => @field;

    public override int Capacity { get; } = rules.Values.Sum(b => b.Capacity);

    public override bool Repeats => true;

    public override IEnumerable<RuleBucket> Buckets => rules.Values;

    public override void Collect(Record record, Span<int> buffer, ref int count)
    {
        if (record.Arrays[slot] is not { } values)
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            // An element the list holds twice adds its rules once: the buffer is sized for each tag once.
            if (values[i] is { } tag && Array.IndexOf(values, tag, 0, i) < 0 && rules.TryGetValue(tag, out RuleBucket? bucket))
            {
                bucket.Collect(record, buffer, ref count);
            }
        }
    }
}
