using System.Collections.Frozen;
using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>An index over one field: given a record, marks the rules filed under what the record holds there.</summary>
internal abstract class FieldIndex
{
    /// <summary>Gets the buckets, for description and tests.</summary>
    public abstract IEnumerable<RuleBucket> Buckets { get; }

    /// <summary>Gets the field the index reads.</summary>
    public abstract int Field { get; }

    /// <summary>Sets the bit of each candidate rule in <paramref name="candidates"/> (bit <c>r % 64</c> of word <c>r / 64</c>).</summary>
    public abstract void Collect(Record record, Span<ulong> candidates);
}

/// <summary>
/// A set of rules as the non-zero words of a bitset over rule numbers: marking them all is one OR per word, and a
/// record's candidates, read back bit by bit, come in rule order and each once however many buckets held them.
/// </summary>
internal sealed class RuleMask
{
    private readonly int[] _words;
    private readonly ulong[] _bits;

    public RuleMask(IEnumerable<int> rules)
    {
        var words = new SortedDictionary<int, ulong>();
        foreach (int rule in rules)
        {
            words[rule >> 6] = words.GetValueOrDefault(rule >> 6) | (1UL << (rule & 63));
        }

        _words = [.. words.Keys];
        _bits = [.. words.Values];
        Rules = [.. words.SelectMany(w => Enumerable.Range(0, 64).Where(b => (w.Value & (1UL << b)) != 0).Select(b => (w.Key << 6) + b))];
    }

    /// <summary>Gets the rules, in order.</summary>
    public int[] Rules { get; }

    public void OrInto(Span<ulong> candidates)
    {
        int[] words = _words;
        ulong[] bits = _bits;
        for (int i = 0; i < words.Length; i++)
        {
            candidates[words[i]] |= bits[i];
        }
    }
}

/// <summary>The rules filed under one value: a set, or a further dispatch on the other keys they have.</summary>
internal sealed class RuleBucket(int[] rules, RuleDispatch? split)
{
    private readonly RuleMask _mask = new(rules);

    /// <summary>Gets the rules marked without further test.</summary>
    public int[] Rules => _mask.Rules;

    /// <summary>Gets the dispatch that splits the bucket's rules on their other keys, or <see langword="null"/>.</summary>
    public RuleDispatch? Split { get; } = split;

    public void Collect(Record record, Span<ulong> candidates)
    {
        _mask.OrInto(candidates);
        Split?.Collect(record, candidates);
    }
}

/// <summary>Equality and <c>IN</c> on a text field: one hash lookup.</summary>
internal sealed class TextEqualsIndex(int field, int slot, FrozenDictionary<string, RuleBucket> rules) : FieldIndex
{
    public override int Field => @field;

    public override IEnumerable<RuleBucket> Buckets => rules.Values;

    public override void Collect(Record record, Span<ulong> candidates)
    {
        if (record.Strings[slot] is { } value && rules.TryGetValue(value, out RuleBucket? bucket))
        {
            bucket.Collect(record, candidates);
        }
    }
}

/// <summary>Equality and <c>IN</c> on an integer, date or truth field: one hash lookup.</summary>
internal sealed class IntegerEqualsIndex(int field, int slot, FrozenDictionary<long, RuleBucket> rules) : FieldIndex
{
    public override int Field => @field;

    public override IEnumerable<RuleBucket> Buckets => rules.Values;

    public override void Collect(Record record, Span<ulong> candidates)
    {
        if (!record.Nulls[field] && rules.TryGetValue(record.Int64s[slot], out RuleBucket? bucket))
        {
            bucket.Collect(record, candidates);
        }
    }
}

/// <summary>
/// Ranges on one numeric or date field as elementary intervals: the sorted distinct bounds cut the line into
/// points and the gaps between them, and each piece lists the rules whose range covers it. A record finds its piece
/// by binary search.
/// </summary>
internal class RangeIndex<T>(int field, int slot, StorageKind storage, T[] bounds, RuleMask[] pieces) : FieldIndex
    where T : IComparable<T>
{
    public override int Field => @field;

    public override IEnumerable<RuleBucket> Buckets => pieces.Select(p => new RuleBucket(p.Rules, null));

    /// <summary>Gets the sorted distinct bounds.</summary>
    protected T[] Bounds => bounds;

    public override void Collect(Record record, Span<ulong> candidates)
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
        pieces[PieceOf(value)].OrInto(candidates);
    }

    /// <summary>The piece a record's value falls in (see <see cref="Piece"/>).</summary>
    public virtual int PieceOf(T value) => Piece(bounds, value);

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

/// <summary>
/// Ranges on a decimal field (money): a decimal comparison costs several times a double's, so the binary search runs
/// over the bounds as doubles and at most a couple of exact comparisons settle the piece. The double search only
/// places the value near its piece; the exact comparisons walk to it, so a conversion that rounds cannot misplace it.
/// </summary>
internal sealed class DecimalRangeIndex(int field, int slot, decimal[] bounds, RuleMask[] pieces)
    : RangeIndex<decimal>(field, slot, StorageKind.Decimal, bounds, pieces)
{
    private readonly double[] _approximations = [.. bounds.Select(b => (double)b)];

    public override int PieceOf(decimal value)
    {
        double approximation = (double)value;
        double[] approximations = _approximations;
        int low = 0;
        int high = approximations.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (approximations[middle] < approximation)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        // Exactly: every bound below low is less than the value, and bounds[low] is not.
        decimal[] exact = Bounds;
        while (low > 0 && exact[low - 1] >= value)
        {
            low--;
        }

        int order = low < exact.Length ? exact[low].CompareTo(value) : 1;
        while (order < 0)
        {
            low++;
            order = low < exact.Length ? exact[low].CompareTo(value) : 1;
        }

        return order == 0 ? (2 * low) + 1 : 2 * low;
    }
}

/// <summary><c>starts_with</c> and <c>LIKE 'p%'</c> on a text field: one lookup per distinct prefix length, without copying.</summary>
internal sealed class PrefixIndex(int field, int slot, int[] lengths, FrozenDictionary<string, RuleBucket> rules) : FieldIndex
{
    public override int Field => @field;

    private readonly FrozenDictionary<string, RuleBucket>.AlternateLookup<ReadOnlySpan<char>> _lookup = rules.GetAlternateLookup<ReadOnlySpan<char>>();


    public override IEnumerable<RuleBucket> Buckets => rules.Values;

    public override void Collect(Record record, Span<ulong> candidates)
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
                bucket.Collect(record, candidates);
            }
        }
    }
}

/// <summary><c>array_contains</c> on a list field: one lookup per distinct element of the record's list.</summary>
internal sealed class TagIndex(int field, int slot, FrozenDictionary<string, RuleBucket> rules) : FieldIndex
{
    public override int Field => @field;

    public override IEnumerable<RuleBucket> Buckets => rules.Values;

    public override void Collect(Record record, Span<ulong> candidates)
    {
        if (record.Arrays[slot] is not { } values)
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is { } tag && rules.TryGetValue(tag, out RuleBucket? bucket))
            {
                bucket.Collect(record, candidates);
            }
        }
    }
}
