using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.Intrinsics;
using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// An index over one field. Given a record, it does two things with one lookup: it marks the rules <em>filed</em>
/// under what the record holds there (each rule is filed under one key, so a rule becomes a candidate through one
/// index), and, when it is also a <em>filter</em>, it clears the rules one of whose tests on this field the record
/// fails (a rule may be filtered by every index it has a test on). A record's candidates are what the indexes
/// marked and no filter cleared. What each entry means is a row of <see cref="EntryRows"/>.
/// </summary>
internal abstract class FieldIndex(int field, EntryRows rows)
{
    /// <summary>Gets the field the index reads.</summary>
    public int Field => @field;

    /// <summary>Gets whether the index also filters (clears the rules whose tests here the record fails).</summary>
    public bool Filters => rows.Filters;

    /// <summary>Gets the rules filed under any entry of the index, in order, for description and tests.</summary>
    public IEnumerable<int> FiledRules => rows.FiledRules;

    /// <summary>Gets the rows of the entries.</summary>
    protected EntryRows Rows => rows;

    /// <summary>
    /// Marks the rules filed under the record's value and, as a filter, clears the rules whose tests here the value
    /// fails, in <paramref name="state"/>: the marked, passing and scratch bitsets side by side (see
    /// <see cref="EntryRows"/>); the scratch set holds nothing on entry and on return.
    /// </summary>
    public abstract void Collect(Record record, Span<ulong> state);
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
/// The rows of an equality index: a NULL (<see cref="NullRow"/>) fails every test on the field, a value no test names
/// (<see cref="UnnamedRow"/>) passes the tests that exclude values (<c>&lt;&gt;</c>, <c>NOT IN</c>), and each value
/// named has its own row from <see cref="FirstNamedRow"/> on.
/// </summary>
internal static class EqualityIndex
{
    public const int NullRow = 0, UnnamedRow = 1, FirstNamedRow = 2;
}

/// <summary>Equality, <c>IN</c>, <c>&lt;&gt;</c> and <c>NOT IN</c> on a text field: one hash lookup.</summary>
internal sealed class TextEqualsIndex(int field, int slot, TextTable values, EntryRows rows) : FieldIndex(field, rows)
{
    public override void Collect(Record record, Span<ulong> state) =>
        Rows.Apply(record.Strings[slot] is { } value ? values.IndexOf(value) + EqualityIndex.FirstNamedRow : EqualityIndex.NullRow, state);
}

/// <summary>Equality, <c>IN</c>, <c>&lt;&gt;</c> and <c>NOT IN</c> on an integer, date or truth field: one hash lookup.</summary>
internal sealed class IntegerEqualsIndex(int field, int slot, FrozenDictionary<long, int> rowOf, EntryRows rows) : FieldIndex(field, rows)
{
    public override void Collect(Record record, Span<ulong> state) =>
        Rows.Apply(record.Nulls[Field] ? EqualityIndex.NullRow : rowOf.TryGetValue(record.Int64s[slot], out int row) ? row : EqualityIndex.UnnamedRow, state);
}

/// <summary>
/// Ranges on one numeric or date field as elementary intervals: the sorted distinct bounds cut the line into
/// points and the gaps between them, and each piece lists the rules whose range covers it. A record finds its piece
/// by binary search; piece <c>p</c> is row <c>p + 1</c>, and a NULL row 0.
/// </summary>
internal class RangeIndex<T>(int field, int slot, StorageKind storage, T[] bounds, EntryRows rows) : FieldIndex(field, rows)
    where T : IComparable<T>
{
    /// <summary>Gets the sorted distinct bounds.</summary>
    protected T[] Bounds => bounds;

    public override void Collect(Record record, Span<ulong> state)
    {
        if (record.Nulls[Field])
        {
            Rows.Apply(0, state);
            return;
        }

        T value = storage switch
        {
            StorageKind.Decimal => (T)(object)record.Decimals[slot],
            StorageKind.Double => (T)(object)record.Doubles[slot],
            _ => (T)(object)record.Int64s[slot],
        };
        Rows.Apply(PieceOf(value) + 1, state);
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
    /// <summary>Bounds this few are counted with vector comparisons instead of searched: no step waits for the one before.</summary>
    private const int CountedBounds = 64;

    /// <summary>The first position whose value is not below <paramref name="key"/> (the length when none is); a NaN key is below nothing.</summary>
    public static int LowerBound<T>(T[] sorted, T key)
        where T : struct, System.Numerics.IComparisonOperators<T, T, bool>
    {
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && sorted.Length <= CountedBounds)
        {
            // The position is how many bounds are below the key.
            Vector256<T> keys = Vector256.Create(key);
            int below = 0;
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<T> wide = Vector512.Create(key);
                for (; i <= sorted.Length - Vector512<T>.Count; i += Vector512<T>.Count)
                {
                    below += BitOperations.PopCount(Vector512.LessThan(Vector512.Create(sorted.AsSpan(i, Vector512<T>.Count)), wide).ExtractMostSignificantBits());
                }
            }

            for (; i <= sorted.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                below += BitOperations.PopCount(Vector256.LessThan(Vector256.Create(sorted.AsSpan(i, Vector256<T>.Count)), keys).ExtractMostSignificantBits());
            }

            for (; i < sorted.Length; i++)
            {
                below += sorted[i] < key ? 1 : 0;
            }

            return below;
        }

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

    /// <summary>The largest magnitude that each power of ten scales without leaving a long: a division here cost 1.6 of the conversion's 6.3 ns.</summary>
    private static readonly ulong[] Limits = [.. Powers.Select(p => (ulong)long.MaxValue / p)];

    private readonly double[] _approximations;
    private readonly long[]? _scaled;
    private readonly int _scale;

    public DecimalRangeIndex(int field, int slot, decimal[] bounds, EntryRows rows)
        : base(field, slot, StorageKind.Decimal, bounds, rows)
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

        if (magnitude > Limits[scale - own])
        {
            return false;
        }

        long product = (long)(magnitude * Powers[scale - own]);
        scaled = bits[3] < 0 ? -product : product;
        return true;
    }
}

/// <summary><c>starts_with</c> and <c>LIKE 'p%'</c> on a text field: one lookup per distinct prefix length, without copying.</summary>
/// <remarks>
/// A record may find several entries here (see <see cref="EntryRows.SeveralEntries"/>): a rule passes when any entry
/// found lists it, so the index ORs what its entries pass before it ANDs.
/// </remarks>
internal sealed class PrefixIndex(int field, int slot, int[] lengths, FrozenDictionary<string, int> rowOf, EntryRows rows) : FieldIndex(field, rows)
{
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup = rowOf.GetAlternateLookup<ReadOnlySpan<char>>();

    public override void Collect(Record record, Span<ulong> state)
    {
        bool filter = Filters;
        if (filter)
        {
            Rows.Begin(state);
        }

        if (record.Strings[slot] is { } value)
        {
            foreach (int length in lengths)
            {
                if (length > value.Length)
                {
                    break;
                }

                if (_lookup.TryGetValue(value.AsSpan(0, length), out int row))
                {
                    Rows.Found(row, state, filter);
                }
            }
        }

        if (filter)
        {
            Rows.End(state);
        }
    }
}

/// <summary><c>array_contains</c> on a list field: one lookup per element of the record's list.</summary>
/// <remarks>A record may find several entries here, as in <see cref="PrefixIndex"/>.</remarks>
internal sealed class TagIndex(int field, int slot, TextTable tags, EntryRows rows) : FieldIndex(field, rows)
{
    public override void Collect(Record record, Span<ulong> state)
    {
        bool filter = Filters;
        if (filter)
        {
            Rows.Begin(state);
        }

        if (record.Arrays[slot] is { } values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] is { } tag && tags.IndexOf(tag) is >= 0 and int entry)
                {
                    Rows.Found(entry + 1, state, filter);
                }
            }
        }

        if (filter)
        {
            Rows.End(state);
        }
    }
}
