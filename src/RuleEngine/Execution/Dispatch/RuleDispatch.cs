using System.Collections.Frozen;
using RuleEngine.Language;
using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// The compiled rules of a dataset as one dispatch, in the manner of the k-index (Whang et al., "Indexing Boolean
/// Expressions", VLDB 2009): every test a rule must pass that an index can answer is a key the rule could be filed
/// under (<see cref="IndexKeys"/>); the rule is filed under its most selective key, measured on a sample of the data
/// when there is one (<see cref="DispatchStatistics"/>). A record then evaluates only the rules filed under what it
/// holds — one hash lookup per equality-indexed field, one binary search per range-indexed field, one lookup per
/// prefix length and per list element — plus the rules that have no key. Where many rules share a bucket and have
/// other keys, the bucket is itself a dispatch on those, and so on. Candidates are evaluated in rule order, each once,
/// so output does not depend on the dispatch, and nothing is allocated for a record.
/// </summary>
internal sealed class RuleDispatch
{
    /// <summary>A bucket with at least this many rules is split further on the rules' other keys.</summary>
    private const int SplitThreshold = 8;

    /// <summary>A range index whose pieces would list more rule entries than this is not built; its rules stay unfiled.</summary>
    private const int MaxRangeEntries = 4_000_000;

    private readonly FieldIndex[] _indexes;
    private readonly int[] _always;
    private readonly bool _repeats;

    private RuleDispatch(FieldIndex[] indexes, int[] always, bool repeats, int filed, bool measured)
    {
        Measured = measured;
        _indexes = indexes;
        _always = always;
        _repeats = repeats || indexes.Any(i => i.Repeats || i.Buckets.Any(b => b.Split?._repeats == true));
        Capacity = always.Length + indexes.Sum(i => i.Capacity);
        Filed = filed;
    }

    /// <summary>Gets the most candidates one record can collect (a rule filed under several postings may come more than once before they are merged).</summary>
    public int Capacity { get; }

    /// <summary>Gets how many rules are filed under a key; the others are evaluated on every record.</summary>
    public int Filed { get; }

    /// <summary>Gets how many rules are evaluated on every record.</summary>
    public int Unfiled => _always.Length;

    /// <summary>Gets the fields the dispatch reads to choose candidates, at every level.</summary>
    public IEnumerable<int> Fields => _indexes.SelectMany(i => i.Buckets.SelectMany(b => b.Split?.Fields ?? []).Prepend(i.Field)).Distinct();

    /// <summary>Gets whether keys were chosen by selectivities measured on a sample.</summary>
    public bool Measured { get; }

    /// <summary>Files each rule under its most selective key; <paramref name="sample"/>, when given, is what selectivity is measured on.</summary>
    public static RuleDispatch Build(IReadOnlyList<(CompiledRule Rule, BoundExpression? Condition)> rules, RecordLayout layout, IReadOnlyList<Record>? sample = null)
    {
        bool[] indexable = [.. rules.Select(r => r.Rule.Joins.Length == 0 && r.Condition is not null)];
        DispatchStatistics statistics = DispatchStatistics.Create(rules.Where((_, i) => indexable[i]).Select(r => r.Condition!), layout, sample);
        var options = rules.Select((r, i) => (i, indexable[i] ? IndexKeys.Of(r.Condition!, layout, statistics.Selectivity) : [])).ToList();
        return Build(options, layout, statistics);
    }

    private static RuleDispatch Build(List<(int Index, List<IndexKey> Keys)> options, RecordLayout layout, DispatchStatistics statistics)
    {
        var always = new List<int>();
        var remaining = new Dictionary<int, List<IndexKey>>();
        var filed = new Dictionary<(Type Kind, int Field), List<(int Rule, Posting Posting)>>();
        bool repeats = false;
        foreach ((int index, List<IndexKey> keys) in options)
        {
            if (keys.Count == 0)
            {
                always.Add(index);
                continue;
            }

            IndexKey chosen = keys.OrderBy(statistics.Selectivity).ThenBy(k => k.Postings.Length).First();
            remaining[index] = [.. keys.Where(k => k != chosen)];
            repeats |= chosen.Postings.Length > 1;
            foreach (Posting posting in chosen.Postings)
            {
                (Type, int) at = (posting.GetType(), posting.Field);
                if (!filed.TryGetValue(at, out List<(int, Posting)>? list))
                {
                    filed[at] = list = [];
                }

                list.Add((index, posting));
            }
        }

        RuleBucket Bucket(IEnumerable<int> bucket)
        {
            int[] rules = [.. bucket.Distinct().Order()];
            return rules.Length >= SplitThreshold && rules.Count(r => remaining[r].Count > 0) >= SplitThreshold / 2
                ? new RuleBucket([], Build([.. rules.Select(r => (r, remaining[r]))], layout, statistics))
                : new RuleBucket(rules, null);
        }

        var indexes = new List<FieldIndex>();
        foreach (((Type kind, int field), List<(int Rule, Posting Posting)> postings) in filed.OrderBy(f => f.Key.Field).ThenBy(f => f.Key.Kind.Name, StringComparer.Ordinal))
        {
            int slot = layout.Slots[field];
            if (kind == typeof(TextEquals))
            {
                var byValue = postings.SelectMany(p => ((TextEquals)p.Posting).Values.Select(v => (Value: v, p.Rule))).GroupBy(p => p.Value, StringComparer.Ordinal);
                indexes.Add(new TextEqualsIndex(field, slot, byValue.ToFrozenDictionary(g => g.Key, g => Bucket(g.Select(p => p.Rule)), StringComparer.Ordinal)));
            }
            else if (kind == typeof(IntegerEquals))
            {
                var byValue = postings.SelectMany(p => ((IntegerEquals)p.Posting).Values.Select(v => (Value: v, p.Rule))).GroupBy(p => p.Value);
                indexes.Add(new IntegerEqualsIndex(field, slot, byValue.ToFrozenDictionary(g => g.Key, g => Bucket(g.Select(p => p.Rule)))));
            }
            else if (kind == typeof(PrefixPosting))
            {
                var byPrefix = postings.GroupBy(p => ((PrefixPosting)p.Posting).Prefix, StringComparer.Ordinal);
                int[] lengths = [.. byPrefix.Select(g => g.Key.Length).Distinct().Order()];
                indexes.Add(new PrefixIndex(field, slot, lengths, byPrefix.ToFrozenDictionary(g => g.Key, g => Bucket(g.Select(p => p.Rule)), StringComparer.Ordinal)));
            }
            else if (kind == typeof(TagPosting))
            {
                var byTag = postings.GroupBy(p => ((TagPosting)p.Posting).Tag, StringComparer.Ordinal);
                indexes.Add(new TagIndex(field, slot, byTag.ToFrozenDictionary(g => g.Key, g => Bucket(g.Select(p => p.Rule)), StringComparer.Ordinal)));
            }
            else if (Range([.. postings.Select(p => (p.Rule, (RangePosting)p.Posting))], field, slot) is { } range)
            {
                indexes.Add(range);
            }
            else
            {
                always.AddRange(postings.Select(p => p.Rule));
            }
        }

        int filedCount = remaining.Count - always.Count(remaining.ContainsKey);
        return new RuleDispatch([.. indexes], [.. always.Distinct().Order()], repeats, filedCount, statistics.Measured);
    }

    /// <summary>The range index of one field, or <see langword="null"/> when its pieces would list too many entries.</summary>
    private static FieldIndex? Range((int Rule, RangePosting Posting)[] postings, int field, int slot)
    {
        StorageKind storage = postings[0].Posting.Storage;
        return storage switch
        {
            StorageKind.Decimal => Range<decimal>(postings, field, slot, storage),
            StorageKind.Double => Range<double>(postings, field, slot, storage),
            _ => Range<long>(postings, field, slot, storage),
        };
    }

    private static RangeIndex<T>? Range<T>((int Rule, RangePosting Posting)[] postings, int field, int slot, StorageKind storage)
        where T : IComparable<T>
    {
        T[] bounds = [.. postings.SelectMany(p => new[] { p.Posting.Low, p.Posting.High }).OfType<T>().Distinct().Order()];
        var spans = new List<(int Rule, int First, int Last)>();
        long entries = 0;
        foreach ((int rule, RangePosting posting) in postings)
        {
            int first = posting.Low is T low ? RangeIndex<T>.Piece(bounds, low) + (posting.LowInclusive ? 0 : 1) : 0;
            int last = posting.High is T high ? RangeIndex<T>.Piece(bounds, high) - (posting.HighInclusive ? 0 : 1) : 2 * bounds.Length;
            if (first <= last)
            {
                // A range no value can be in leaves its rule filed nowhere: no record can make it TRUE.
                spans.Add((rule, first, last));
                entries += last - first + 1;
            }
        }

        if (entries > MaxRangeEntries)
        {
            return null;
        }

        var pieces = new List<int>[(2 * bounds.Length) + 1];
        for (int p = 0; p < pieces.Length; p++)
        {
            pieces[p] = [];
        }

        foreach ((int rule, int first, int last) in spans.OrderBy(s => s.Rule))
        {
            for (int p = first; p <= last; p++)
            {
                pieces[p].Add(rule);
            }
        }

        return new RangeIndex<T>(field, slot, storage, bounds, [.. pieces.Select(p => p.Distinct().ToArray())]);
    }

    /// <summary>Writes the indexes of the rules the record may match, in rule order, into <paramref name="buffer"/>; returns how many.</summary>
    public int Candidates(Record record, Span<int> buffer)
    {
        int count = 0;
        Collect(record, buffer, ref count);
        if (count > 1 && _indexes.Length > 0)
        {
            buffer[..count].Sort();
            if (_repeats)
            {
                // A rule filed under several postings comes once per posting the record passes: once is enough.
                int unique = 1;
                for (int i = 1; i < count; i++)
                {
                    if (buffer[i] != buffer[unique - 1])
                    {
                        buffer[unique++] = buffer[i];
                    }
                }

                count = unique;
            }
        }

        return count;
    }

    /// <summary>Adds the candidates of this dispatch (unsorted) to <paramref name="buffer"/>.</summary>
    internal void Collect(Record record, Span<int> buffer, ref int count)
    {
        int[] always = _always;
        always.CopyTo(buffer[count..]);
        count += always.Length;
        foreach (FieldIndex index in _indexes)
        {
            index.Collect(record, buffer, ref count);
        }
    }
}
