using System.Collections.Frozen;
using RuleEngine.Language;
using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>
/// The compiled rules of a dataset as one dispatch. A rule whose condition is a conjunction with an equality or
/// <c>IN</c> test of a text or integer field against literals is filed under that field and those values; a rule
/// whose condition (or one of its conjuncts) is an <c>OR</c> each of whose branches pins a field is filed under every
/// branch's values. A record then evaluates only the rules filed under its own values, plus the rules that could not
/// be filed. Where many rules share a bucket and also pin a second field, the bucket is itself a dispatch on that
/// field, and so on: a decision tree over the fields the rules test. Candidates are evaluated in rule order, each once,
/// so output does not change, and nothing is allocated for a record that matches nothing.
/// </summary>
internal sealed class RuleDispatch
{
    /// <summary>A bucket with at least this many rules is split further on another field its rules pin.</summary>
    private const int SplitThreshold = 8;

    /// <summary>An <c>OR</c> with more branches than this is not filed: the rule is evaluated on every record.</summary>
    private const int MaxBranches = 64;

    private readonly TextIndex[] _textIndexes;
    private readonly IntegerIndex[] _integerIndexes;
    private readonly int[] _always;
    private readonly bool _repeats;

    private RuleDispatch(TextIndex[] textIndexes, IntegerIndex[] integerIndexes, int[] always, bool repeats)
    {
        _textIndexes = textIndexes;
        _integerIndexes = integerIndexes;
        _always = always;
        _repeats = repeats || textIndexes.Any(i => i.Rules.Values.Any(b => b.Split?._repeats == true)) || integerIndexes.Any(i => i.Rules.Values.Any(b => b.Split?._repeats == true));

        // A record meets at most one bucket of each index: that bounds how many candidates it can collect.
        Capacity = always.Length + textIndexes.Sum(i => i.Rules.Values.Max(b => b.Capacity)) + integerIndexes.Sum(i => i.Rules.Values.Max(b => b.Capacity));
    }

    /// <summary>Gets the most candidates one record can collect (a rule filed under several branches may come more than once before they are merged).</summary>
    public int Capacity { get; }

    /// <summary>Files rules under the field most rules can be filed under, one field per rule.</summary>
    public static RuleDispatch Build(IReadOnlyList<(CompiledRule Rule, BoundExpression? Condition)> rules, RecordLayout layout) =>
        Build(
            [.. rules.Select((r, i) => (i, r.Rule.Joins.Length == 0 && r.Condition is not null ? IndexKeys(r.Condition) : new List<Posting[]>()))],
            layout);

    private static RuleDispatch Build(List<(int Index, List<Posting[]> Keys)> options, RecordLayout layout)
    {
        // A key is what a rule can be filed under: one posting (a conjunct that pins a field), or one per branch of an OR.
        var popularity = options.SelectMany(o => o.Keys.Where(k => k.Length == 1).Select(k => k[0].Field)).GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());
        var text = new Dictionary<int, Dictionary<string, List<int>>>();
        var integer = new Dictionary<int, Dictionary<long, List<int>>>();
        var always = new List<int>();
        var remainingKeys = new Dictionary<int, List<Posting[]>>();
        bool repeats = false;
        foreach ((int index, List<Posting[]> keys) in options)
        {
            if (keys.Count == 0)
            {
                always.Add(index);
                continue;
            }

            Posting[] chosen = keys.Where(k => k.Length == 1).OrderByDescending(k => popularity[k[0].Field]).ThenBy(k => k[0].Values.Length).FirstOrDefault()
                ?? keys.OrderBy(k => k.Length).First();
            remainingKeys[index] = [.. keys.Where(k => k != chosen)];
            repeats |= chosen.Length > 1;
            foreach ((int field, object[] values) in chosen)
            {
                foreach (object value in values)
                {
                    if (value is string s)
                    {
                        Add(text, field, s, index);
                    }
                    else
                    {
                        Add(integer, field, (long)value, index);
                    }
                }
            }
        }

        Bucket Split(List<int> bucket)
        {
            int[] rules = [.. bucket.Distinct().Order()];
            return rules.Length >= SplitThreshold && rules.Count(r => remainingKeys[r].Count > 0) >= SplitThreshold / 2
                ? new Bucket([], Build([.. rules.Select(r => (r, remainingKeys[r]))], layout))
                : new Bucket(rules, null);
        }

        return new RuleDispatch(
            [.. text.Select(t => new TextIndex(t.Key, layout.Slots[t.Key], t.Value.ToFrozenDictionary(v => v.Key, v => Split(v.Value), StringComparer.Ordinal)))],
            [.. integer.Select(t => new IntegerIndex(t.Key, layout.Slots[t.Key], t.Value.ToFrozenDictionary(v => v.Key, v => Split(v.Value))))],
            [.. always],
            repeats);
    }

    /// <summary>Writes the indexes of the rules the record may match, in rule order, into <paramref name="buffer"/>; returns how many.</summary>
    public int Candidates(Record record, int[] buffer)
    {
        int count = 0;
        Collect(record, buffer, ref count);
        if (count > 1 && _textIndexes.Length + _integerIndexes.Length > 0)
        {
            Array.Sort(buffer, 0, count);
            if (_repeats)
            {
                // A rule filed under several branches of an OR comes once per branch the record meets: once is enough.
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

    private void Collect(Record record, int[] buffer, ref int count)
    {
        foreach (int rule in _always)
        {
            buffer[count++] = rule;
        }

        foreach (TextIndex index in _textIndexes)
        {
            if (!record.Nulls[index.Field] && record.Strings[index.Slot] is { } value && index.Rules.TryGetValue(value, out Bucket? bucket))
            {
                bucket.Collect(record, buffer, ref count);
            }
        }

        foreach (IntegerIndex index in _integerIndexes)
        {
            if (!record.Nulls[index.Field] && index.Rules.TryGetValue(record.Int64s[index.Slot], out Bucket? bucket))
            {
                bucket.Collect(record, buffer, ref count);
            }
        }
    }

    /// <summary>
    /// What a condition can be filed under: each conjunct that pins a field of the rule's own record to literal values
    /// (one posting), and each conjunct that is an <c>OR</c> whose every branch pins a field (a posting per branch).
    /// </summary>
    private static List<Posting[]> IndexKeys(BoundExpression condition)
    {
        IEnumerable<BoundExpression> conjuncts = condition is BoundLogical { IsAnd: true } and ? and.Operands : [condition];
        var keys = new List<Posting[]>();
        foreach (BoundExpression conjunct in conjuncts)
        {
            if (Pin(conjunct) is { } pin)
            {
                keys.Add([pin]);
            }
            else if (conjunct is BoundLogical { IsAnd: false } or && Branches(or) is { } branches)
            {
                keys.Add(branches);
            }
        }

        return keys;
    }

    /// <summary>A posting per branch of an <c>OR</c>; <see langword="null"/> when a branch pins nothing (it could match any record).</summary>
    private static Posting[]? Branches(BoundLogical or)
    {
        var postings = new List<Posting>();
        foreach (BoundExpression branch in or.Operands)
        {
            List<Posting[]> keys = IndexKeys(branch);
            Posting[]? key = keys.FirstOrDefault(k => k.Length == 1) ?? keys.OrderBy(k => k.Length).FirstOrDefault();
            if (key is null || postings.Count + key.Length > MaxBranches)
            {
                return null;
            }

            postings.AddRange(key);
        }

        return [.. postings];
    }

    /// <summary>An equality or <c>IN</c> test of an indexable field against literals.</summary>
    private static Posting? Pin(BoundExpression test)
    {
        switch (test)
        {
            case BoundBinary { Operator: BinaryOperator.Equal, Left: BoundField field, Right: BoundLiteral { Value: { } value } } when Indexable(field):
                return new Posting(field.FieldIndex, [value]);
            case BoundBinary { Operator: BinaryOperator.Equal, Left: BoundLiteral { Value: { } value }, Right: BoundField field } when Indexable(field):
                return new Posting(field.FieldIndex, [value]);
            case BoundIn { Negated: false, Value: BoundField field } @in when Indexable(field) && @in.Items.All(i => i is BoundLiteral):
                object[] values = [.. @in.Items.Cast<BoundLiteral>().Where(l => l.Value is not null).Select(l => l.Value!)];
                return values.Length > 0 ? new Posting(field.FieldIndex, values) : null;
            default:
                return null;
        }
    }

    private static bool Indexable(BoundField field) => field.Source == 0 && field.Type is LanguageType.Text or LanguageType.Int;

    private static void Add<TKey>(Dictionary<int, Dictionary<TKey, List<int>>> indexes, int field, TKey value, int rule)
        where TKey : notnull
    {
        if (!indexes.TryGetValue(field, out Dictionary<TKey, List<int>>? index))
        {
            index = [];
            indexes.Add(field, index);
        }

        if (!index.TryGetValue(value, out List<int>? rules))
        {
            rules = [];
            index.Add(value, rules);
        }

        rules.Add(rule);
    }

    /// <summary>A field and the values under which a rule is filed.</summary>
    private readonly record struct Posting(int Field, object[] Values);

    private sealed record TextIndex(int Field, int Slot, FrozenDictionary<string, Bucket> Rules);

    private sealed record IntegerIndex(int Field, int Slot, FrozenDictionary<long, Bucket> Rules);

    /// <summary>The rules filed under one value: a list, or a further dispatch on the other fields they pin.</summary>
    private sealed record Bucket(int[] Rules, RuleDispatch? Split)
    {
        public int Capacity => Rules.Length + (Split?.Capacity ?? 0);

        public void Collect(Record record, int[] buffer, ref int count)
        {
            foreach (int rule in Rules)
            {
                buffer[count++] = rule;
            }

            Split?.Collect(record, buffer, ref count);
        }
    }
}
