using System.Collections.Frozen;
using RuleEngine.Language;
using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>
/// The compiled rules of a dataset as one dispatch. A rule whose condition is a conjunction with an equality or
/// <c>IN</c> test of a text or integer field against literals is filed under that field and those values; a record
/// then evaluates only the rules filed under its own values, plus the rules that could not be filed. Where many rules
/// share a bucket and also pin a second field, the bucket is itself a dispatch on that field, and so on: a decision
/// tree over the fields the rules test. Candidates are evaluated in rule order, so output does not change, and nothing
/// is allocated for a record that matches nothing.
/// </summary>
internal sealed class RuleDispatch
{
    /// <summary>A bucket with at least this many rules is split further on another field its rules pin.</summary>
    private const int SplitThreshold = 8;

    private readonly TextIndex[] _textIndexes;
    private readonly IntegerIndex[] _integerIndexes;
    private readonly int[] _always;

    private RuleDispatch(TextIndex[] textIndexes, IntegerIndex[] integerIndexes, int[] always)
    {
        _textIndexes = textIndexes;
        _integerIndexes = integerIndexes;
        _always = always;
    }

    /// <summary>Files rules under the field most rules can be filed under, one field per rule.</summary>
    public static RuleDispatch Build(IReadOnlyList<(CompiledRule Rule, BoundExpression? Condition)> rules, RecordLayout layout) =>
        Build(
            [.. rules.Select((r, i) => (i, r.Rule.Joins.Length == 0 && r.Condition is not null ? IndexKeys(r.Condition) : new List<(int Field, object[] Values)>()))],
            layout);

    private static RuleDispatch Build(List<(int Index, List<(int Field, object[] Values)> Keys)> options, RecordLayout layout)
    {
        var popularity = options.SelectMany(o => o.Keys.Select(k => k.Field)).GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());
        var text = new Dictionary<int, Dictionary<string, List<int>>>();
        var integer = new Dictionary<int, Dictionary<long, List<int>>>();
        var always = new List<int>();
        var remainingKeys = new Dictionary<int, List<(int Field, object[] Values)>>();
        foreach ((int index, List<(int Field, object[] Values)> keys) in options)
        {
            if (keys.Count == 0)
            {
                always.Add(index);
                continue;
            }

            (int field, object[] values) = keys.OrderByDescending(k => popularity[k.Field]).ThenBy(k => k.Values.Length).First();
            remainingKeys[index] = [.. keys.Where(k => k.Field != field)];
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
            [.. always]);
    }

    /// <summary>Writes the indexes of the rules the record may match, in rule order, into <paramref name="buffer"/>; returns how many.</summary>
    public int Candidates(Record record, int[] buffer)
    {
        int count = 0;
        Collect(record, buffer, ref count);
        if (count > 1 && _textIndexes.Length + _integerIndexes.Length > 0)
        {
            Array.Sort(buffer, 0, count);
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

    /// <summary>The conjuncts of a condition that pin a field of the rule's own record to literal values.</summary>
    private static List<(int Field, object[] Values)> IndexKeys(BoundExpression condition)
    {
        IEnumerable<BoundExpression> conjuncts = condition is BoundLogical { IsAnd: true } and ? and.Operands : [condition];
        var keys = new List<(int, object[])>();
        foreach (BoundExpression conjunct in conjuncts)
        {
            switch (conjunct)
            {
                case BoundBinary { Operator: BinaryOperator.Equal, Left: BoundField field, Right: BoundLiteral { Value: { } value } } when Indexable(field):
                    keys.Add((field.FieldIndex, [value]));
                    break;
                case BoundBinary { Operator: BinaryOperator.Equal, Left: BoundLiteral { Value: { } value }, Right: BoundField field } when Indexable(field):
                    keys.Add((field.FieldIndex, [value]));
                    break;
                case BoundIn { Negated: false, Value: BoundField field } @in when Indexable(field) && @in.Items.All(i => i is BoundLiteral):
                    object[] values = [.. @in.Items.Cast<BoundLiteral>().Where(l => l.Value is not null).Select(l => l.Value!)];
                    if (values.Length > 0)
                    {
                        keys.Add((field.FieldIndex, values));
                    }

                    break;
            }
        }

        return keys;
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

    private sealed record TextIndex(int Field, int Slot, FrozenDictionary<string, Bucket> Rules);

    private sealed record IntegerIndex(int Field, int Slot, FrozenDictionary<long, Bucket> Rules);

    /// <summary>The rules filed under one value: a list, or a further dispatch on the other fields they pin.</summary>
    private sealed record Bucket(int[] Rules, RuleDispatch? Split)
    {
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
