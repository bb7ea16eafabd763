using System.Collections.Frozen;
using RuleEngine.Language;
using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// The compiled rules of a dataset as one dispatch, in the manner of the k-index (Whang et al., "Indexing Boolean
/// Expressions", VLDB 2009): every test a rule must pass that an index can answer is a key the rule could be filed
/// under (<see cref="IndexKeys"/>); the rule is filed under its most selective key, measured on a sample of the data
/// when there is one (<see cref="DispatchStatistics"/>), unless the index it would need costs a record more than it
/// saves (<see cref="ChooseKeys"/>). A record then evaluates only the rules filed under what it holds — one hash
/// lookup per equality-indexed field, one binary search per range-indexed field, one lookup per prefix length and
/// per list element — plus the rules that have no key. Where many rules share a bucket and have other keys, the bucket
/// is itself a dispatch on those, and so on. Each bucket is a bitset of rule numbers (<see cref="RuleMask"/>), so the
/// candidates come out in rule order and each once, without sorting; output does not depend on the dispatch, and
/// nothing is allocated for a record.
/// </summary>
internal sealed class RuleDispatch
{
    /// <summary>A bucket with at least this many rules is split further on the rules' other keys.</summary>
    private const int SplitThreshold = 8;

    /// <summary>A range index whose pieces would list more rule entries than this is not built; its rules stay unfiled.</summary>
    private const int MaxRangeEntries = 4_000_000;

    /// <summary>Candidates of a rule set this large are marked on the stack; larger ones on a buffer of the heap.</summary>
    private const int MaxStackWords = 512;

    private readonly FieldIndex[] _indexes;
    private readonly RuleMask _always;
    private readonly int _words;

    private RuleDispatch(FieldIndex[] indexes, int[] always, int ruleCount, int filed, bool measured)
    {
        Measured = measured;
        _indexes = indexes;
        _always = new RuleMask(always);
        Unfiled = always.Length;
        Capacity = ruleCount;
        _words = (ruleCount + 63) >> 6;
        Filed = filed;
    }

    /// <summary>Gets the most candidates one record can have: the number of rules (a buffer this long always suffices).</summary>
    public int Capacity { get; }

    /// <summary>Gets how many rules are filed under a key; the others are evaluated on every record.</summary>
    public int Filed { get; }

    /// <summary>Gets how many rules are evaluated on every record.</summary>
    public int Unfiled { get; }

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
        return Build(options, layout, statistics, rules.Count);
    }

    private static RuleDispatch Build(List<(int Index, List<IndexKey> Keys)> options, RecordLayout layout, DispatchStatistics statistics, int ruleCount)
    {
        var always = new List<int>();
        var remaining = new Dictionary<int, List<IndexKey>>();
        var filed = new Dictionary<(Type Kind, int Field), List<(int Rule, Posting Posting)>>();
        var keysOf = options.ToDictionary(o => o.Index, o => o.Keys);
        foreach ((int index, IndexKey? chosen) in ChooseKeys(options, statistics))
        {
            if (chosen is null)
            {
                always.Add(index);
                remaining[index] = [];
                continue;
            }

            remaining[index] = [.. keysOf[index].Where(k => k != chosen)];
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
                ? new RuleBucket([], Build([.. rules.Select(r => (r, remaining[r]))], layout, statistics, ruleCount))
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

        int filedCount = options.Count - always.Distinct().Count();
        return new RuleDispatch([.. indexes], [.. always.Distinct().Order()], ruleCount, filedCount, statistics.Measured);
    }

    /// <summary>What evaluating one candidate rule costs, in the units of <see cref="LookupCost"/> (about a nanosecond; measured on the benchmark workloads, where a rule that fails its first test costs 4–8).</summary>
    private const double RuleCost = 5;

    /// <summary>What one lookup in an index of this kind costs a record.</summary>
    private static double LookupCost(Type kind) =>
        kind == typeof(IntegerEquals) ? 10 : kind == typeof(RangePosting) ? 20 : kind == typeof(TagPosting) ? 30 : 20;

    /// <summary>
    /// Each rule's key (<see langword="null"/>: evaluated on every record). First each rule takes its most selective
    /// key; then an index whose lookup costs a record more than it saves — a handful of rules on a field no other rule
    /// is filed under — is given up, its rules moving to another key on an index that stays, or to every record,
    /// whichever costs less. A record's cost is its lookups plus its candidates.
    /// </summary>
    private static Dictionary<int, IndexKey?> ChooseKeys(List<(int Index, List<IndexKey> Keys)> options, DispatchStatistics statistics)
    {
        var keysOf = options.ToDictionary(o => o.Index, o => o.Keys);
        var choice = options.ToDictionary(o => o.Index, o => o.Keys.OrderBy(statistics.Selectivity).ThenBy(k => k.Postings.Length).FirstOrDefault());
        static IEnumerable<(Type, int)> Indexes(IndexKey key) => key.Postings.Select(p => (p.GetType(), p.Field));
        for (bool changed = true; changed;)
        {
            changed = false;
            var members = choice.Where(c => c.Value is not null).SelectMany(c => Indexes(c.Value!).Select(i => (Index: i, Rule: c.Key))).GroupBy(m => m.Index).ToDictionary(g => g.Key, g => g.Select(m => m.Rule).Distinct().ToList());
            foreach (((Type Kind, int Field) index, List<int> rules) in members.OrderBy(m => m.Value.Count).ThenBy(m => m.Key.Item2))
            {
                double keep = LookupCost(index.Kind) + rules.Sum(r => statistics.Selectivity(choice[r]!) * RuleCost);
                var moves = rules.ToDictionary(r => r, r => keysOf[r]
                    .Where(k => k != choice[r] && Indexes(k).All(i => i != index && members.ContainsKey(i)))
                    .OrderBy(statistics.Selectivity)
                    .FirstOrDefault());
                double move = moves.Sum(m => m.Value is null ? RuleCost : Math.Min(RuleCost, statistics.Selectivity(m.Value) * RuleCost));
                if (move < keep)
                {
                    foreach ((int rule, IndexKey? key) in moves)
                    {
                        choice[rule] = key is not null && statistics.Selectivity(key) < 1 ? key : null;
                    }

                    changed = true;
                    break;
                }
            }
        }

        return choice;
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

        RuleMask[] masks = [.. pieces.Select(p => new RuleMask(p))];
        return storage == StorageKind.Decimal
            ? (RangeIndex<T>)(object)new DecimalRangeIndex(field, slot, (decimal[])(object)bounds, masks)
            : new RangeIndex<T>(field, slot, storage, bounds, masks);
    }

    /// <summary>Writes the indexes of the rules the record may match, in rule order and each once, into <paramref name="buffer"/> (at least <see cref="Capacity"/> long); returns how many.</summary>
    public int Candidates(Record record, Span<int> buffer)
    {
        if (_indexes.Length == 0)
        {
            // Nothing is indexed (a rule or two, or rules no index can answer): every rule is a candidate.
            int[] rules = _always.Rules;
            rules.CopyTo(buffer);
            return rules.Length;
        }

        Span<ulong> marked = _words <= MaxStackWords ? stackalloc ulong[_words] : new ulong[_words];
        marked.Clear();
        Collect(record, marked);
        int count = 0;
        for (int word = 0; word < marked.Length; word++)
        {
            for (ulong bits = marked[word]; bits != 0; bits &= bits - 1)
            {
                buffer[count++] = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
            }
        }

        return count;
    }

    /// <summary>Marks the candidates of this dispatch in <paramref name="candidates"/>.</summary>
    internal void Collect(Record record, Span<ulong> candidates)
    {
        _always.OrInto(candidates);
        foreach (FieldIndex index in _indexes)
        {
            index.Collect(record, candidates);
        }
    }
}
