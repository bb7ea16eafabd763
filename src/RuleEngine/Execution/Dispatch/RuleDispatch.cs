using System.Collections.Frozen;
using RuleEngine.Language;
using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// The compiled rules of a dataset as one dispatch, in the manner of the k-index (Whang et al., "Indexing Boolean
/// Expressions", VLDB 2009): every test a rule must pass that an index can answer is a key (<see cref="IndexKeys"/>).
/// Each rule is <em>filed</em> under its most selective key, measured on a sample of the data when there is one
/// (<see cref="DispatchStatistics"/>), unless the index it would need costs a record more than it saves
/// (<see cref="ChooseKeys"/>); and its other keys make indexes <em>filters</em> where that pays
/// (<see cref="ChooseFilters"/>). A record looks each indexed field up once — a hash lookup for equality, a binary
/// search for ranges, one lookup per prefix length and per list element — which marks the rules filed under what it
/// holds and clears the rules one of whose tests there it fails; its candidates are the rules marked (and those with
/// no key) that no filter cleared. As in the k-index's counting, a rule of several selective tests is a candidate
/// about as rarely as all of them pass, not as its best one does. Marks and filters are bitsets of rule numbers,
/// so the candidates come out in rule order and each once, without sorting; output does not depend on the dispatch,
/// and nothing is allocated for a record.
/// </summary>
internal sealed class RuleDispatch
{
    /// <summary>A range index whose pieces would list more rule entries than this is not built; its rules stay unfiled.</summary>
    private const int MaxRangeEntries = 4_000_000;

    /// <summary>An index filters only if its entries' bitsets together hold at most this many words (8 bytes each).</summary>
    private const long MaxFilterWords = 1L << 21;

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

    /// <summary>Gets what choosing a record's candidates is expected to cost, in the units of <see cref="LookupCost(Type)"/> (about a nanosecond).</summary>
    public double LookupCostPerRecord { get; private init; }

    /// <summary>Gets how many candidates a record is expected to have, by the selectivities the keys were chosen on.</summary>
    public double ExpectedCandidates { get; private init; }

    /// <summary>Gets how many rules are filed under a key; the others are evaluated on every record that no filter clears them for.</summary>
    public int Filed { get; }

    /// <summary>The most rules evaluated all together, 64 to a compiled method, instead of through the index.</summary>
    public const int MaxRulesEvaluatedTogether = 512;

    /// <summary>
    /// The most rules evaluated together when the index files some: one method's worth. A rule inside a method costs
    /// 3–4.5 units while the methods' code fits the instruction cache (30 rules of either benchmark workload), but 6.5
    /// at 100 rules of random shapes (72 KB of machine code), where the index then costs less.
    /// </summary>
    private const int MaxRulesTogetherBesideAnIndex = 64;

    /// <summary>
    /// What a rule costs inside a method of 64 over a record's slots (<see cref="RuleInMethodCost"/>) or over a host
    /// object's properties, and what a candidate the index leaves costs (a call of its own), in the units of
    /// <see cref="LookupCost(Type)"/> (about a nanosecond; measured on both benchmark workloads at 10 to 60 rules:
    /// 3–6.5 over records, 3–4.5 over objects, whose properties need no null flags or slot arrays).
    /// </summary>
    public const double RuleInMethodCost = 6.5, RuleInMethodCostOverObjects = 5, CandidateCost = 25;

    /// <summary>
    /// Whether evaluating every one of the <paramref name="rules"/> rules, 64 to a compiled method, is expected to cost
    /// a record less than this dispatch's lookups and the candidates it leaves (by its own estimate): when it files
    /// nothing, or, for up to 64 rules, narrows too little to pay for its lookups.
    /// </summary>
    /// <param name="rules">How many rules there are.</param>
    /// <param name="ruleCost">What one rule costs inside a method: <see cref="RuleInMethodCost"/> or <see cref="RuleInMethodCostOverObjects"/>.</param>
    public bool EvaluatingEveryRulePays(int rules, double ruleCost = RuleInMethodCost) =>
        rules <= MaxRulesEvaluatedTogether
        && (Filed == 0 || (rules <= MaxRulesTogetherBesideAnIndex && rules * ruleCost <= LookupCostPerRecord + (ExpectedCandidates * CandidateCost)));

    /// <summary>Gets how many rules are filed under no key.</summary>
    public int Unfiled { get; }

    /// <summary>Gets the indexes, for description and tests.</summary>
    public IReadOnlyList<FieldIndex> Indexes => _indexes;

    /// <summary>Gets the fields the dispatch reads to choose candidates.</summary>
    public IEnumerable<int> Fields => _indexes.Select(i => i.Field).Distinct();

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

    /// <summary>An index: the kind of posting it answers and the field.</summary>
    private readonly record struct IndexId(Type Kind, int Field)
    {
        public static IndexId Of(Posting posting) => new(posting.GetType(), posting.Field);

        /// <summary>Gets whether a record may find several entries (prefixes, list elements).</summary>
        public bool MultiEntry => Kind == typeof(PrefixPosting) || Kind == typeof(TagPosting);
    }

    private static RuleDispatch Build(List<(int Index, List<IndexKey> Keys)> options, RecordLayout layout, DispatchStatistics statistics, int ruleCount)
    {
        int words = (ruleCount + 63) >> 6;
        Dictionary<int, IndexKey?> choice = ChooseKeys(options, statistics);
        var always = new List<int>();
        var filed = new Dictionary<IndexId, List<(int Rule, Posting Posting)>>();
        foreach ((int index, IndexKey? chosen) in choice)
        {
            if (chosen is null)
            {
                always.Add(index);
                continue;
            }

            if (chosen.Impossible)
            {
                // The rule needs a test no value passes (crossed bounds, equalities with no value in common): it is
                // never TRUE, so no index marks it and it is not evaluated on every record either.
                continue;
            }

            foreach (Posting posting in chosen.Postings)
            {
                if (!filed.TryGetValue(IndexId.Of(posting), out List<(int, Posting)>? list))
                {
                    filed[IndexId.Of(posting)] = list = [];
                }

                list.Add((index, posting));
            }
        }

        var reach = new Dictionary<int, double>();
        List<(IndexId Id, Dictionary<int, List<IndexKey>> Tests)> filters = ChooseFilters(options, choice, filed.Keys.ToHashSet(), statistics, words, reach);

        IEnumerable<IndexId> order = filed.Keys.Union(filters.Select(f => f.Id)).OrderBy(i => i.Field).ThenBy(i => i.Kind.Name, StringComparer.Ordinal);
        var indexes = new List<FieldIndex>();
        foreach (IndexId id in order)
        {
            List<(int Rule, Posting Posting)> postings = filed.GetValueOrDefault(id) ?? [];
            Dictionary<int, List<IndexKey>> tests = filters.FirstOrDefault(f => f.Id == id).Tests ?? [];
            var masks = new PassingMasks(words, tests.Keys);
            FieldIndex? built = IndexOf(id, layout.Slots[id.Field], postings, tests, masks);
            if (built is null)
            {
                // A range index too large to build: its filed rules are evaluated on every record.
                always.AddRange(postings.Select(p => p.Rule));
            }
            else if (postings.Count > 0 || built.Filters)
            {
                indexes.Add(built);
            }
        }

        int filedCount = options.Count - always.Distinct().Count();
        return new RuleDispatch([.. indexes], [.. always.Distinct().Order()], ruleCount, filedCount, statistics.Measured)
        {
            LookupCostPerRecord = indexes.Sum(i => LookupCost(i) + (i.Filters ? words * WordCost : 0)),
            ExpectedCandidates = indexes.Count == 0 ? options.Count : reach.Values.Sum(),
        };
    }

    /// <summary>
    /// The index of one field, filing <paramref name="postings"/> and filtering by <paramref name="tests"/> (each rule's
    /// tests on the field, all of which it must pass); <see langword="null"/> when a range index would be too large.
    /// </summary>
    private static FieldIndex? IndexOf(IndexId id, int slot, List<(int Rule, Posting Posting)> postings, Dictionary<int, List<IndexKey>> tests, PassingMasks masks)
    {
        IEnumerable<Posting> all = postings.Select(p => p.Posting).Concat(tests.Values.SelectMany(k => k).SelectMany(k => k.Postings));
        if (id.Kind == typeof(TextEquals))
        {
            string[] values = EqualityValues(all, p => ((TextEquals)p).Values, StringComparer.Ordinal);
            return new TextEqualsIndex(id.Field, slot, new TextTable(values), EqualityRows(values, postings, tests, masks, (p, v) => ((TextEquals)p).PassesAt(v)));
        }

        if (id.Kind == typeof(IntegerEquals))
        {
            long[] values = EqualityValues(all, p => ((IntegerEquals)p).Values, EqualityComparer<long>.Default);
            EntryRows rows = EqualityRows(values, postings, tests, masks, (p, v) => ((IntegerEquals)p).PassesAt(v));
            return new IntegerEqualsIndex(id.Field, slot, values.Select((v, i) => KeyValuePair.Create(v, i + EqualityIndex.FirstNamedRow)).ToFrozenDictionary(), rows);
        }

        if (id.MultiEntry)
        {
            // A record may find several entries here, so a rule is filtered by one test on the field (its most
            // selective, chosen by ChooseFilters), which passes where any entry found lists it.
            static string Text(Posting p) => p is PrefixPosting prefix ? prefix.Prefix : ((TagPosting)p).Tag;
            string[] texts = [.. all.Select(Text).Distinct(StringComparer.Ordinal)];
            bool filter = tests.Count > 0;
            EntryRows rows = EntryRows.SeveralEntries(masks.Words, filter ? masks.Missing : null, texts.Select(t => (
                new RuleMask(postings.Where(p => Text(p.Posting) == t).Select(p => p.Rule)),
                filter ? new RuleMask(tests.Where(r => r.Value[0].Postings.Any(p => Text(p) == t)).Select(r => r.Key)) : null)));
            return id.Kind == typeof(PrefixPosting)
                ? new PrefixIndex(id.Field, slot, [.. texts.Select(t => t.Length).Distinct().Order()], texts.Select((t, i) => KeyValuePair.Create(t, i + 1)).ToFrozenDictionary(StringComparer.Ordinal), rows)
                : new TagIndex(id.Field, slot, new TextTable(texts), rows);
        }

        StorageKind storage = ((RangePosting)all.First()).Storage;
        return storage switch
        {
            StorageKind.Decimal => Range<decimal>(id.Field, slot, storage, all, postings, tests, masks),
            StorageKind.Double => Range<double>(id.Field, slot, storage, all, postings, tests, masks),
            _ => Range<long>(id.Field, slot, storage, all, postings, tests, masks),
        };
    }

    /// <summary>The values any posting or test of an equality index names, each once: its entries, in row order.</summary>
    private static TValue[] EqualityValues<TValue>(IEnumerable<Posting> all, Func<Posting, IReadOnlyList<TValue>> values, IEqualityComparer<TValue> comparer) =>
        [.. all.SelectMany(values).Distinct(comparer)];

    /// <summary>
    /// The rows of an equality index (see <see cref="EqualityIndex"/>): a NULL passes only the rules with no test on
    /// the field; a value no test names, the rules all of whose tests here exclude values (<c>&lt;&gt;</c>,
    /// <c>NOT IN</c>) and so pass it; then one row per value named, with the rules filed under it and, when the index
    /// filters, the rules all of whose tests here pass it.
    /// </summary>
    private static EntryRows EqualityRows<TValue>(TValue[] named, List<(int Rule, Posting Posting)> postings, Dictionary<int, List<IndexKey>> tests, PassingMasks masks, Func<Posting, TValue, bool> passesAt)
    {
        bool filter = tests.Count > 0 && masks.Fit(named.Length + EqualityIndex.FirstNamedRow);
        (RuleMask, ulong[]?) unnamed = (new RuleMask([]), filter ? masks.Passing(tests.Where(t => t.Value.All(k => k.FiltersOnly)).Select(t => t.Key)) : null);
        return EntryRows.OneEntry(masks.Words, filter ? masks.Missing : null, named.Select(v => (
            new RuleMask(postings.Where(p => passesAt(p.Posting, v)).Select(p => p.Rule)),
            filter ? masks.Passing(tests.Where(t => t.Value.All(k => k.Postings.Any(p => passesAt(p, v)))).Select(t => t.Key)) : null)).Prepend(unnamed));
    }

    /// <summary>What evaluating one candidate rule costs, in the units of <see cref="LookupCost(Type)"/> (about a nanosecond; on the selective benchmark workload a candidate costs 10–30, a text lookup about 20).</summary>
    private const double RuleCost = 10;

    /// <summary>What one lookup in an index of this kind costs a record.</summary>
    private static double LookupCost(Type kind) =>
        kind == typeof(IntegerEquals) ? 10 : kind == typeof(RangePosting) ? 20 : kind == typeof(TagPosting) ? 30 : 20;

    private static double LookupCost(FieldIndex index) => index switch
    {
        IntegerEqualsIndex => LookupCost(typeof(IntegerEquals)),
        TagIndex => LookupCost(typeof(TagPosting)),
        TextEqualsIndex or PrefixIndex => LookupCost(typeof(TextEquals)),
        _ => LookupCost(typeof(RangePosting)),
    };

    /// <summary>
    /// Each rule's key (<see langword="null"/>: evaluated on every record). First each rule takes its most selective
    /// key; then an index whose lookup costs a record more than it saves — a handful of rules on a field no other rule
    /// is filed under — is given up, its rules moving to another key on an index that stays, or to every record,
    /// whichever costs less. A record's cost is its lookups plus its candidates.
    /// </summary>
    private static Dictionary<int, IndexKey?> ChooseKeys(List<(int Index, List<IndexKey> Keys)> options, DispatchStatistics statistics)
    {
        // A rule is filed under a key it passes few values of, never under one it passes all but a few (<>, NOT IN);
        // and a rule that needs a key no record can pass is filed under it, which is nowhere, and stays so.
        var keysOf = options.ToDictionary(o => o.Index, o => o.Keys.Where(k => !k.FiltersOnly).ToList());
        var choice = options.ToDictionary(o => o.Index, o => o.Keys.FirstOrDefault(k => k.Impossible)
            ?? keysOf[o.Index].OrderBy(statistics.Selectivity).ThenBy(k => k.Postings.Length).FirstOrDefault());
        static IEnumerable<(Type, int)> Indexes(IndexKey key) => key.Postings.Select(p => (p.GetType(), p.Field));
        for (bool changed = true; changed;)
        {
            changed = false;
            var members = choice.Where(c => c.Value is { Impossible: false }).SelectMany(c => Indexes(c.Value!).Select(i => (Index: i, Rule: c.Key))).GroupBy(m => m.Index).ToDictionary(g => g.Key, g => g.Select(m => m.Rule).Distinct().ToList());
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

    /// <summary>What ANDing one word of a filter into a record's passing set costs, in the units of <see cref="LookupCost(Type)"/>.</summary>
    private const double WordCost = 0.5;

    /// <summary>What filtering at all costs a record: a passing set to fill and to AND with the marked rules.</summary>
    private const double FilteringCost = 10;

    /// <summary>
    /// The indexes that filter, and by which tests of which rules. A rule's tests are its keys other than the one it is
    /// filed under whose postings all fall in one index (an <c>OR</c> across fields filters nothing). Greedily, the
    /// index that saves the most candidate evaluations per record beyond its cost is taken, until none saves: a rule
    /// is a candidate as often as its filed key and the filters taken so far pass it (tests taken as independent), an
    /// index already built for filing costs only its words, any other a lookup too; and the filters together must save
    /// what keeping a passing set costs a record.
    /// </summary>
    private static List<(IndexId Id, Dictionary<int, List<IndexKey>> Tests)> ChooseFilters(List<(int Index, List<IndexKey> Keys)> options, Dictionary<int, IndexKey?> choice, HashSet<IndexId> filed, DispatchStatistics statistics, int words, Dictionary<int, double> reach)
    {
        var tests = new Dictionary<IndexId, Dictionary<int, List<IndexKey>>>();
        foreach ((int rule, List<IndexKey> keys) in options)
        {
            foreach (IndexKey key in keys)
            {
                IndexId id = IndexId.Of(key.Postings[0]);
                if (key == choice[rule] || !key.Postings.All(p => IndexId.Of(p) == id))
                {
                    continue;
                }

                if (!tests.TryGetValue(id, out Dictionary<int, List<IndexKey>>? byRule))
                {
                    tests[id] = byRule = [];
                }

                if (!byRule.TryGetValue(rule, out List<IndexKey>? list))
                {
                    byRule[rule] = list = [];
                }

                list.Add(key);
            }
        }

        foreach ((IndexId id, Dictionary<int, List<IndexKey>> byRule) in tests.Where(t => t.Key.MultiEntry))
        {
            foreach (int rule in byRule.Keys.ToList())
            {
                byRule[rule] = [byRule[rule].OrderBy(statistics.Selectivity).First()];
            }
        }

        double Passes(List<IndexKey> keys) => keys.Aggregate(1.0, (share, key) => share * statistics.Selectivity(key));
        void Unfiltered()
        {
            foreach ((int rule, _) in options)
            {
                reach[rule] = choice[rule] is { } key ? (key.Impossible ? 0 : statistics.Selectivity(key)) : 1.0;
            }
        }

        Unfiltered();

        var chosen = new List<(IndexId Id, Dictionary<int, List<IndexKey>> Tests)>();
        double total = 0;
        while (true)
        {
            IndexId? best = null;
            double bestGain = 0;
            foreach ((IndexId id, Dictionary<int, List<IndexKey>> byRule) in tests)
            {
                if (chosen.Exists(c => c.Id == id))
                {
                    continue;
                }

                double saved = byRule.Sum(t => reach[t.Key] * (1 - Passes(t.Value)) * RuleCost);
                double cost = (words * WordCost * (id.MultiEntry ? 2 : 1)) + (filed.Contains(id) ? 0 : LookupCost(id.Kind));
                if (saved - cost > bestGain)
                {
                    (best, bestGain) = (id, saved - cost);
                }
            }

            if (best is not { } taken)
            {
                if (total >= FilteringCost)
                {
                    return chosen;
                }

                // Filtering at all does not pay: candidates are as filing alone leaves them.
                Unfiltered();
                return [];
            }

            total += bestGain;
            chosen.Add((taken, tests[taken]));
            foreach ((int rule, List<IndexKey> keys) in tests[taken])
            {
                reach[rule] *= Passes(keys);
            }
        }
    }

    /// <summary>
    /// The whole-bitset passing sets of one filtering index: a rule with no test on the field passes everywhere; the
    /// others where their tests pass. Equal sets are one array.
    /// </summary>
    private sealed class PassingMasks
    {
        private readonly int _words;
        private readonly ulong[] _missing;
        private readonly Dictionary<string, ulong[]> _distinct = new(StringComparer.Ordinal);

        public PassingMasks(int words, IEnumerable<int> filtered)
        {
            _words = words;
            _missing = new ulong[words];
            Array.Fill(_missing, ulong.MaxValue);
            foreach (int rule in filtered)
            {
                _missing[rule >> 6] &= ~(1UL << (rule & 63));
            }

            _missing = Intern(_missing);
        }

        /// <summary>Gets the rules that pass where a record holds NULL, or finds no entry of a range, prefix or tag index: those with no test on the field.</summary>
        public ulong[] Missing => _missing;

        /// <summary>Gets the words of a rule bitset.</summary>
        public int Words => _words;

        /// <summary>Whether an index of this many entries may filter (see <see cref="MaxFilterWords"/>).</summary>
        public bool Fit(long entries) => entries * _words <= MaxFilterWords;

        /// <summary>The passing set where <paramref name="passing"/> of the filtered rules pass; <see langword="null"/> when every rule does.</summary>
        public ulong[]? Passing(IEnumerable<int> passing)
        {
            ulong[] mask = (ulong[])_missing.Clone();
            foreach (int rule in passing)
            {
                mask[rule >> 6] |= 1UL << (rule & 63);
            }

            return Array.TrueForAll(mask, w => w == ulong.MaxValue) ? null : Intern(mask);
        }

        private ulong[] Intern(ulong[] mask)
        {
            string key = Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(mask.AsSpan()));
            if (!_distinct.TryGetValue(key, out ulong[]? existing))
            {
                _distinct[key] = existing = mask;
            }

            return existing;
        }
    }

    /// <summary>
    /// The range index of one field, or <see langword="null"/> when its pieces would list too many filed entries. The
    /// bounds of every range filed or tested here cut the line into pieces; a piece lists the rules filed under a
    /// range that covers it, and passes the rules all of whose tests here cover it.
    /// </summary>
    private static RangeIndex<T>? Range<T>(int field, int slot, StorageKind storage, IEnumerable<Posting> all, List<(int Rule, Posting Posting)> postings, Dictionary<int, List<IndexKey>> tests, PassingMasks masks)
        where T : IComparable<T>
    {
        T[] bounds = [.. all.Cast<RangePosting>().SelectMany(p => new[] { p.Low, p.High }).OfType<T>().Distinct().Order()];
        int pieceCount = (2 * bounds.Length) + 1;
        (int First, int Last) Span(RangePosting posting) =>
            (posting.Low is T low ? RangeIndex<T>.Piece(bounds, low) + (posting.LowInclusive ? 0 : 1) : 0,
             posting.High is T high ? RangeIndex<T>.Piece(bounds, high) - (posting.HighInclusive ? 0 : 1) : pieceCount - 1);

        // A range no value can be in (first > last) leaves its rule filed nowhere: no record can make it TRUE.
        var filedSpans = postings.Select(p => (p.Rule, Span: Span((RangePosting)p.Posting))).Where(s => s.Span.First <= s.Span.Last).ToList();
        if (filedSpans.Sum(s => (long)(s.Span.Last - s.Span.First + 1)) > MaxRangeEntries)
        {
            return null;
        }

        var filedAt = new List<int>[pieceCount];
        for (int p = 0; p < pieceCount; p++)
        {
            filedAt[p] = [];
        }

        foreach ((int rule, (int first, int last)) in filedSpans.OrderBy(s => s.Rule))
        {
            for (int p = first; p <= last; p++)
            {
                filedAt[p].Add(rule);
            }
        }

        // Where each tested rule passes: every one of its tests on the field covers the piece (a test of an OR of
        // ranges covers it when any of them does).
        bool filter = tests.Count > 0 && masks.Fit(pieceCount);
        var passingAt = new List<int>[filter ? pieceCount : 0];
        for (int p = 0; p < passingAt.Length; p++)
        {
            passingAt[p] = [];
        }

        foreach ((int rule, List<IndexKey> keys) in tests.Where(_ => filter).OrderBy(t => t.Key))
        {
            var covered = new int[pieceCount];
            foreach (IndexKey key in keys)
            {
                var byKey = new bool[pieceCount];
                foreach (RangePosting posting in key.Postings.Cast<RangePosting>())
                {
                    (int first, int last) = Span(posting);
                    for (int p = first; p <= last; p++)
                    {
                        byKey[p] = true;
                    }
                }

                for (int p = 0; p < pieceCount; p++)
                {
                    covered[p] += byKey[p] ? 1 : 0;
                }
            }

            for (int p = 0; p < pieceCount; p++)
            {
                if (covered[p] == keys.Count)
                {
                    passingAt[p].Add(rule);
                }
            }
        }

        EntryRows rows = EntryRows.OneEntry(masks.Words, filter ? masks.Missing : null, Enumerable.Range(0, pieceCount).Select(p => (new RuleMask(filedAt[p]), filter ? masks.Passing(passingAt[p]) : null)));
        return storage == StorageKind.Decimal
            ? (RangeIndex<T>)(object)new DecimalRangeIndex(field, slot, (decimal[])(object)bounds, rows)
            : new RangeIndex<T>(field, slot, storage, bounds, rows);
    }

    /// <summary>Writes the indexes of the rules the record may match, in rule order and each once, into <paramref name="buffer"/> (at least <see cref="Capacity"/> long); returns how many.</summary>
    public int Candidates(Record record, Span<int> buffer)
    {
        FieldIndex[] indexes = _indexes;
        if (indexes.Length == 0)
        {
            // Nothing is indexed (a rule or two, or rules no index can answer): every rule is a candidate.
            int[] rules = _always.Rules;
            rules.CopyTo(buffer);
            return rules.Length;
        }

        // Marked rules, passing rules and a scratch set for indexes that find several entries, one bitset each, side by side.
        int words = _words;
        Span<ulong> state = words <= MaxStackWords ? stackalloc ulong[3 * words] : new ulong[3 * words];
        Span<ulong> marked = state[..words];
        Span<ulong> passing = state.Slice(words, words);
        marked.Clear();
        passing.Fill(ulong.MaxValue);
        state[(2 * words)..].Clear();
        _always.OrInto(marked);
        for (int i = 0; i < indexes.Length; i++)
        {
            indexes[i].Collect(record, state);
        }

        int count = 0;
        for (int word = 0; word < words; word++)
        {
            ulong bits = marked[word] & passing[word];
            for (; bits != 0; bits &= bits - 1)
            {
                buffer[count++] = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
            }
        }

        return count;
    }
}
