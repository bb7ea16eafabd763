using System.Runtime.Intrinsics;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// The bitsets of one index's entries, addressed by row: row 0 is where a record finds no entry (a NULL, or a value no
/// rule names; an equality index gives the second its own row, see <see cref="EqualityIndex"/>), row <c>e + 1</c> is
/// entry <c>e</c> as given. A row holds the rules filed under the entry and the rules that pass
/// there. A record works on one state of three bitsets over rule numbers side by side (bit <c>r % 64</c> of word
/// <c>r / 64</c> of each): the rules marked, the rules passing, and a scratch set for the indexes that may find several
/// entries.
/// </summary>
/// <remarks>
/// A rule set of up to <see cref="DenseWords"/> words (1,024 rules) keeps its rows one after the other in one array,
/// filed words then passing words, so that applying an entry is an OR and an AND per word over one short run of
/// memory (before, an entry was three objects and three arrays to follow; on 100 rules of the selective benchmark
/// that following was half of what a lookup cost). Larger rule sets keep each row's filed rules as the few non-zero
/// words they have — a rule is filed under a handful of a field's thousands of values — and each passing set as an
/// array, equal ones shared, as dense rows of hundreds of words would fill the caches.
/// </remarks>
internal sealed class EntryRows
{
    /// <summary>Rule sets of at most this many words (64 rules each) keep their rows dense: 1,000 rules of the benchmark workloads take 400–450 KB so, and are 6–8 % faster than with sparse rows.</summary>
    public const int DenseWords = 16;

    /// <summary>Dense rows that would take more words than this (8 bytes each) are kept sparse instead.</summary>
    private const long MaxDenseWords = 1L << 21;

    private readonly int _words;
    private readonly ulong[]? _dense;
    private readonly RuleMask[] _filed;
    private readonly ulong[]?[] _passing;

    private EntryRows(int words, RuleMask[] filed, ulong[]?[] passing, ulong everyRule)
    {
        // everyRule: what a dense row's passing words hold where its passing set is null — all ones where rows are
        // ANDed (one entry), none where they are ORed first (several entries).
        _words = words;
        _filed = filed;
        _passing = passing;
        if (words <= DenseWords && (long)filed.Length * 2 * words <= MaxDenseWords)
        {
            int stride = 2 * words;
            _dense = new ulong[filed.Length * stride];
            for (int row = 0; row < filed.Length; row++)
            {
                Span<ulong> target = _dense.AsSpan(row * stride, stride);
                foreach (int rule in filed[row].Rules)
                {
                    target[rule >> 6] |= 1UL << (rule & 63);
                }

                if (passing[row] is { } mask)
                {
                    mask.CopyTo(target[words..]);
                }
                else
                {
                    target[words..].Fill(everyRule);
                }
            }
        }
    }

    /// <summary>Gets how many rows there are: the entries and the row of no entry.</summary>
    public int Count => _filed.Length;

    /// <summary>Gets whether the rows filter: clear the rules whose tests on the field a record fails.</summary>
    public bool Filters => _passing[0] is not null;

    /// <summary>Gets the rules filed under any entry, in order, for description and tests.</summary>
    public IEnumerable<int> FiledRules => _filed.SelectMany(m => m.Rules).Distinct().Order();

    /// <summary>
    /// The rows of an index that finds at most one entry for a record: each entry's filed rules and, when the index
    /// filters, the whole passing set there (the rules with no test on the field included; <see langword="null"/>
    /// when every rule passes), which a record's passing set is ANDed with.
    /// </summary>
    /// <param name="words">The words of a rule bitset.</param>
    /// <param name="missing">The passing set where a record has no entry; <see langword="null"/> when the index does not filter.</param>
    /// <param name="entries">Each entry's filed rules and passing set, in entry order.</param>
    public static EntryRows OneEntry(int words, ulong[]? missing, IEnumerable<(RuleMask Filed, ulong[]? Passing)> entries) =>
        Create(words, missing, entries, everyRule: ulong.MaxValue);

    /// <summary>
    /// The rows of an index that may find several entries for a record: each entry's filed rules and, when the index
    /// filters, only the filtered rules that pass where it is found, which a record ORs together before it ANDs them
    /// (with <paramref name="missing"/>, the rules with no test on the field) into its passing set.
    /// </summary>
    /// <param name="words">The words of a rule bitset.</param>
    /// <param name="missing">The rules that pass whatever the record holds; <see langword="null"/> when the index does not filter.</param>
    /// <param name="entries">Each entry's filed rules and the filtered rules that pass there, in entry order.</param>
    public static EntryRows SeveralEntries(int words, ulong[]? missing, IEnumerable<(RuleMask Filed, RuleMask? Passing)> entries) =>
        Create(words, missing, entries.Select(e => (e.Filed, e.Passing is null ? null : Bits(words, e.Passing.Rules))), everyRule: 0);

    /// <summary>Marks the rules filed at <paramref name="row"/> and clears from the passing set the rules that do not pass there.</summary>
    public void Apply(int row, Span<ulong> state)
    {
        int words = _words;
        Span<ulong> marked = state[..words];
        Span<ulong> passing = state.Slice(words, words);
        if (_dense is { } dense)
        {
            ReadOnlySpan<ulong> source = dense.AsSpan(row * 2 * words, 2 * words);
            if (words == 2)
            {
                // 65 to 128 rules, the common size: both words of each set at once.
                (Vector128.Create(marked) | Vector128.Create(source)).CopyTo(marked);
                (Vector128.Create(passing) & Vector128.Create(source[2..])).CopyTo(passing);
                return;
            }

            for (int i = 0; i < marked.Length; i++)
            {
                marked[i] |= source[i];
                passing[i] &= source[words + i];
            }

            return;
        }

        _filed[row].OrInto(marked);
        if (_passing[row] is { } mask)
        {
            for (int i = 0; i < passing.Length; i++)
            {
                passing[i] &= mask[i];
            }
        }
    }

    /// <summary>Starts a record on an index of several entries: the scratch set holds the rules that pass whatever the record holds.</summary>
    public void Begin(Span<ulong> state) => (_passing[0] ?? throw new InvalidOperationException("The index does not filter.")).CopyTo(state.Slice(2 * _words, _words));

    /// <summary>Marks the rules filed at <paramref name="row"/> (an entry the record found) and, when filtering, adds the rules that pass there to the scratch set.</summary>
    public void Found(int row, Span<ulong> state, bool filter)
    {
        int words = _words;
        Span<ulong> marked = state[..words];
        if (_dense is { } dense)
        {
            ReadOnlySpan<ulong> source = dense.AsSpan(row * 2 * words, 2 * words);
            for (int i = 0; i < marked.Length; i++)
            {
                marked[i] |= source[i];
            }

            if (filter)
            {
                Span<ulong> scratch = state.Slice(2 * words, words);
                for (int i = 0; i < scratch.Length; i++)
                {
                    scratch[i] |= source[words + i];
                }
            }

            return;
        }

        _filed[row].OrInto(marked);
        if (filter && _passing[row] is { } mask)
        {
            Span<ulong> scratch = state.Slice(2 * words, words);
            for (int i = 0; i < scratch.Length; i++)
            {
                scratch[i] |= mask[i];
            }
        }
    }

    /// <summary>Ends a record on a filtering index of several entries: the passing set keeps only what the scratch set holds, and the scratch set is emptied.</summary>
    public void End(Span<ulong> state)
    {
        int words = _words;
        Span<ulong> passing = state.Slice(words, words);
        Span<ulong> scratch = state.Slice(2 * words, words);
        for (int i = 0; i < passing.Length; i++)
        {
            passing[i] &= scratch[i];
        }

        scratch.Clear();
    }

    private static EntryRows Create(int words, ulong[]? missing, IEnumerable<(RuleMask Filed, ulong[]? Passing)> entries, ulong everyRule)
    {
        (RuleMask Filed, ulong[]? Passing)[] rows = [(new RuleMask([]), missing), .. entries];
        return new EntryRows(words, [.. rows.Select(r => r.Filed)], [.. rows.Select(r => missing is null ? null : r.Passing)], everyRule);
    }

    private static ulong[] Bits(int words, IEnumerable<int> rules)
    {
        var bits = new ulong[words];
        foreach (int rule in rules)
        {
            bits[rule >> 6] |= 1UL << (rule & 63);
        }

        return bits;
    }
}
