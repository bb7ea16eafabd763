using System.Collections.Frozen;
using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// An index over one field. Given a record, it does two things with one lookup: it marks the rules <em>filed</em>
/// under what the record holds there (each rule is filed under one key, so a rule becomes a candidate through one
/// index), and, when it is also a <em>filter</em>, it clears the rules one of whose tests on this field the record
/// fails (a rule may be filtered by every index it has a test on). A record's candidates are what the indexes
/// marked and no filter cleared.
/// </summary>
internal abstract class FieldIndex
{
    /// <summary>Gets the field the index reads.</summary>
    public abstract int Field { get; }

    /// <summary>Gets whether the index also filters (clears the rules whose tests here the record fails).</summary>
    public abstract bool Filters { get; }

    /// <summary>Gets the rules filed under any entry of the index, in order, for description and tests.</summary>
    public IEnumerable<int> FiledRules => Filed.SelectMany(m => m.Rules).Distinct().Order();

    /// <summary>Gets the filed sets of the entries.</summary>
    protected abstract IEnumerable<RuleMask> Filed { get; }

    /// <summary>
    /// Sets the bit of each rule filed under the record's value in <paramref name="candidates"/>, and, as a filter,
    /// clears in <paramref name="passing"/> the rules whose tests here the value fails (bit <c>r % 64</c> of word
    /// <c>r / 64</c>). <paramref name="scratch"/> is as long as <paramref name="passing"/> and holds nothing on entry.
    /// </summary>
    public abstract void Collect(Record record, Span<ulong> candidates, Span<ulong> passing, Span<ulong> scratch);

    /// <summary>Clears in <paramref name="passing"/> every bit that <paramref name="mask"/> does not have.</summary>
    protected static void And(Span<ulong> passing, ReadOnlySpan<ulong> mask)
    {
        for (int i = 0; i < passing.Length; i++)
        {
            passing[i] &= mask[i];
        }
    }
}

/// <summary>
/// A set of rules as the non-zero words of a bitset over rule numbers: marking them all is one OR per word, and a
/// record's candidates, read back bit by bit, come in rule order and each once however many entries held them.
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

/// <summary>
/// What one value of an index means: the rules filed under it, and, when the index filters, the rules that pass
/// there as a whole bitset (the rules with no test on the field included), which a record's passing set is ANDed with.
/// </summary>
internal sealed class IndexEntry(RuleMask filed, ulong[]? passing)
{
    /// <summary>Gets the rules filed under the value.</summary>
    public RuleMask Filed { get; } = filed;

    /// <summary>Gets the rules that pass at this value, or <see langword="null"/> when the index does not filter or every rule passes.</summary>
    public ulong[]? Passing { get; } = passing;
}

/// <summary>An index that finds at most one entry for a record (equality, ranges).</summary>
internal abstract class SingleEntryIndex(int field, ulong[]? missing) : FieldIndex
{
    public override int Field => @field;

    public override bool Filters => missing is not null;

    /// <summary>Marks and filters by <paramref name="entry"/>, or by the absence of an entry (a NULL or a value no rule names).</summary>
    protected static void Apply(IndexEntry? entry, ulong[]? missing, Span<ulong> candidates, Span<ulong> passing)
    {
        if (entry is null)
        {
            if (missing is not null)
            {
                And(passing, missing);
            }

            return;
        }

        entry.Filed.OrInto(candidates);
        if (entry.Passing is { } mask)
        {
            And(passing, mask);
        }
    }

    /// <summary>Gets the rules that pass where the record has no entry: those with no test on the field; <see langword="null"/> when the index does not filter.</summary>
    protected ulong[]? Missing => missing;
}

/// <summary>Equality and <c>IN</c> on a text field: one hash lookup.</summary>
internal sealed class TextEqualsIndex(int field, int slot, TextTable<IndexEntry> entries, ulong[]? missing) : SingleEntryIndex(field, missing)
{
    protected override IEnumerable<RuleMask> Filed => entries.Values.Select(e => e.Filed);

    public override void Collect(Record record, Span<ulong> candidates, Span<ulong> passing, Span<ulong> scratch) =>
        Apply(record.Strings[slot] is { } value ? entries.Find(value) : null, Missing, candidates, passing);
}

/// <summary>Equality and <c>IN</c> on an integer, date or truth field: one hash lookup.</summary>
internal sealed class IntegerEqualsIndex(int field, int slot, FrozenDictionary<long, IndexEntry> entries, ulong[]? missing) : SingleEntryIndex(field, missing)
{
    protected override IEnumerable<RuleMask> Filed => entries.Values.Select(e => e.Filed);

    public override void Collect(Record record, Span<ulong> candidates, Span<ulong> passing, Span<ulong> scratch) =>
        Apply(!record.Nulls[Field] && entries.TryGetValue(record.Int64s[slot], out IndexEntry? entry) ? entry : null, Missing, candidates, passing);
}

/// <summary>
/// Ranges on one numeric or date field as elementary intervals: the sorted distinct bounds cut the line into
/// points and the gaps between them, and each piece lists the rules whose range covers it. A record finds its piece
/// by binary search.
/// </summary>
internal class RangeIndex<T>(int field, int slot, StorageKind storage, T[] bounds, IndexEntry[] pieces, ulong[]? missing) : SingleEntryIndex(field, missing)
    where T : IComparable<T>
{
    protected override IEnumerable<RuleMask> Filed => pieces.Select(e => e.Filed);

    /// <summary>Gets the sorted distinct bounds.</summary>
    protected T[] Bounds => bounds;

    public override void Collect(Record record, Span<ulong> candidates, Span<ulong> passing, Span<ulong> scratch)
    {
        if (record.Nulls[Field])
        {
            Apply(null, Missing, candidates, passing);
            return;
        }

        T value = storage switch
        {
            StorageKind.Decimal => (T)(object)record.Decimals[slot],
            StorageKind.Double => (T)(object)record.Doubles[slot],
            _ => (T)(object)record.Int64s[slot],
        };
        Apply(pieces[PieceOf(value)], Missing, candidates, passing);
    }

    /// <summary>The piece a record's value falls in (see <see cref="Piece"/>).</summary>
    public virtual int PieceOf(T value) => Piece(bounds, value);

    /// <summary>The piece of a value: <c>2i+1</c> for the bound <c>i</c> itself, <c>2i</c> for the gap below it, <c>2m</c> above the last.</summary>
    public static int Piece(T[] bounds, T value)
    {
        // Dates, integers and doubles search without branching on the comparisons (a record's value is as likely
        // to fall on either side of each bound, so a branch would be mispredicted half the time).
        if (typeof(T) == typeof(long))
        {
            return BranchFree.Piece((long[])(object)bounds, (long)(object)value);
        }

        if (typeof(T) == typeof(double))
        {
            return BranchFree.Piece((double[])(object)bounds, (double)(object)value);
        }

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

/// <summary>Binary searches whose steps do not branch on the comparison, so they cost the same whatever the value.</summary>
internal static class BranchFree
{
    /// <summary>The first position whose value is not below <paramref name="key"/> (the length when none is); a NaN key is below nothing.</summary>
    public static int LowerBound<T>(T[] sorted, T key)
        where T : struct, System.Numerics.IComparisonOperators<T, T, bool>
    {
        int at = 0;
        int length = sorted.Length;
        while (length > 1)
        {
            int half = length >> 1;
            at += -(sorted[at + half - 1] < key ? 1 : 0) & half;
            length -= half;
        }

        return length == 1 && sorted[at] < key ? at + 1 : at;
    }

    /// <summary>The piece of <paramref name="key"/> among the sorted bounds, as <see cref="RangeIndex{T}.Piece"/> numbers them.</summary>
    public static int Piece<T>(T[] sorted, T key)
        where T : struct, System.Numerics.IComparisonOperators<T, T, bool>
    {
        int at = LowerBound(sorted, key);
        return at < sorted.Length && sorted[at] == key ? (2 * at) + 1 : 2 * at;
    }
}

/// <summary>
/// Ranges on a decimal field (money). A decimal comparison, and a decimal's conversion to a double, cost several times
/// an integer's, so the bounds are also kept as integers scaled by 10^s (s: the largest scale among them, at least 4),
/// and a value of at most that scale — almost every amount — is scaled the same way and searched among them exactly.
/// Other values (more decimal places, or too large to scale) are searched among the bounds as doubles, and a couple
/// of exact comparisons settle the piece; the double search only places the value near its piece, so a conversion
/// that rounds cannot misplace it.
/// </summary>
internal sealed class DecimalRangeIndex : RangeIndex<decimal>
{
    /// <summary>The scale bounds are kept at when no bound has more decimal places.</summary>
    private const int LeastScale = 4;

    private static readonly ulong[] Powers = [.. Enumerable.Range(0, 20).Select(p => (ulong)Math.Pow(10, p))];

    private readonly double[] _approximations;
    private readonly long[]? _scaled;
    private readonly int _scale;

    public DecimalRangeIndex(int field, int slot, decimal[] bounds, IndexEntry[] pieces, ulong[]? missing)
        : base(field, slot, StorageKind.Decimal, bounds, pieces, missing)
    {
        _approximations = [.. bounds.Select(b => (double)b)];
        _scale = Math.Max(LeastScale, bounds.Length == 0 ? 0 : bounds.Max(b => b.Scale));
        long[] scaled = new long[bounds.Length];
        bool all = _scale <= 18;
        for (int i = 0; all && i < bounds.Length; i++)
        {
            all = TryScale(bounds[i], _scale, out scaled[i]);
        }

        _scaled = all ? scaled : null;
    }

    public override int PieceOf(decimal value)
    {
        if (_scaled is { } scaledBounds && TryScale(value, _scale, out long scaled))
        {
            return BranchFree.Piece(scaledBounds, scaled);
        }

        int low = BranchFree.LowerBound(_approximations, (double)value);

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

    /// <summary>The value times 10^<paramref name="scale"/> as an integer, when the value has at most that many decimal places and the product fits.</summary>
    private static bool TryScale(decimal value, int scale, out long scaled)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        int own = (bits[3] >> 16) & 0xFF;
        ulong magnitude = (uint)bits[0] | ((ulong)(uint)bits[1] << 32);
        scaled = 0;
        if (bits[2] != 0 || own > scale)
        {
            return false;
        }

        ulong factor = Powers[scale - own];
        if (magnitude > (ulong)long.MaxValue / factor)
        {
            return false;
        }

        long product = (long)(magnitude * factor);
        scaled = bits[3] < 0 ? -product : product;
        return true;
    }
}

/// <summary>
/// An index that may find several entries for one record (prefixes of several lengths, the elements of a list): a
/// rule passes when any entry found lists it, so its entries hold the passing rules without the others
/// (<see cref="MultiEntry.Passing"/>) and the index ORs them before it ANDs.
/// </summary>
internal abstract class MultiEntryIndex(int field, ulong[]? missing) : FieldIndex
{
    public override int Field => @field;

    public override bool Filters => missing is not null;

    /// <summary>Starts a record: with a filter, the rules with no test on the field pass whatever it holds.</summary>
    protected void Begin(Span<ulong> scratch) => missing?.CopyTo(scratch);

    protected static void Found(MultiEntry entry, Span<ulong> candidates, Span<ulong> scratch)
    {
        entry.Filed.OrInto(candidates);
        entry.Passing?.OrInto(scratch);
    }

    protected void End(Span<ulong> passing, Span<ulong> scratch)
    {
        if (missing is not null)
        {
            And(passing, scratch);
            scratch.Clear();
        }
    }
}

/// <summary>An entry of a <see cref="MultiEntryIndex"/>: the rules filed under it, and the filtered rules that pass where it is found.</summary>
internal sealed record MultiEntry(RuleMask Filed, RuleMask? Passing);

/// <summary><c>starts_with</c> and <c>LIKE 'p%'</c> on a text field: one lookup per distinct prefix length, without copying.</summary>
internal sealed class PrefixIndex(int field, int slot, int[] lengths, FrozenDictionary<string, MultiEntry> entries, ulong[]? missing) : MultiEntryIndex(field, missing)
{
    private readonly FrozenDictionary<string, MultiEntry>.AlternateLookup<ReadOnlySpan<char>> _lookup = entries.GetAlternateLookup<ReadOnlySpan<char>>();

    protected override IEnumerable<RuleMask> Filed => entries.Values.Select(e => e.Filed);

    public override void Collect(Record record, Span<ulong> candidates, Span<ulong> passing, Span<ulong> scratch)
    {
        Begin(scratch);
        if (record.Strings[slot] is { } value)
        {
            foreach (int length in lengths)
            {
                if (length > value.Length)
                {
                    break;
                }

                if (_lookup.TryGetValue(value.AsSpan(0, length), out MultiEntry? entry))
                {
                    Found(entry, candidates, scratch);
                }
            }
        }

        End(passing, scratch);
    }
}

/// <summary><c>array_contains</c> on a list field: one lookup per element of the record's list.</summary>
internal sealed class TagIndex(int field, int slot, TextTable<MultiEntry> entries, ulong[]? missing) : MultiEntryIndex(field, missing)
{
    protected override IEnumerable<RuleMask> Filed => entries.Values.Select(e => e.Filed);

    public override void Collect(Record record, Span<ulong> candidates, Span<ulong> passing, Span<ulong> scratch)
    {
        Begin(scratch);
        if (record.Arrays[slot] is { } values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] is { } tag && entries.Find(tag) is { } entry)
                {
                    Found(entry, candidates, scratch);
                }
            }
        }

        End(passing, scratch);
    }
}
