using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// How selective each index key is: the share of a sample of the data that passes it, measured once per distinct
/// key; without a sample, a guess — an equality value is assumed as common as the other values the rules name for
/// that field, a range a third of the records, a prefix or tag a tenth.
/// </summary>
internal sealed class DispatchStatistics
{
    private readonly RecordLayout _layout;
    private readonly IReadOnlyList<Record>? _sample;
    private readonly Dictionary<int, int> _valuesNamed;
    private readonly Dictionary<string, double> _measured = new(StringComparer.Ordinal);

    private DispatchStatistics(RecordLayout layout, IReadOnlyList<Record>? sample, Dictionary<int, int> valuesNamed)
    {
        _layout = layout;
        _sample = sample is { Count: > 0 } ? sample : null;
        _valuesNamed = valuesNamed;
    }

    /// <summary>Gets whether selectivities are measured on a sample rather than guessed.</summary>
    public bool Measured => _sample is not null;

    /// <summary>Statistics for these conditions, measured on <paramref name="sample"/> when there is one.</summary>
    public static DispatchStatistics Create(IEnumerable<Language.BoundExpression> conditions, RecordLayout layout, IReadOnlyList<Record>? sample)
    {
        // How many values the rules name per field, for guessing: a first reading of every key, with every key alike.
        var named = new Dictionary<int, HashSet<string>>();
        foreach (Language.BoundExpression condition in conditions)
        {
            foreach (Posting posting in IndexKeys.Of(condition, layout, _ => 1).SelectMany(k => k.Postings))
            {
                IEnumerable<string> values = posting switch
                {
                    TextEquals text => text.Values,
                    IntegerEquals integer => integer.Values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    _ => [],
                };
                if (!named.TryGetValue(posting.Field, out HashSet<string>? set))
                {
                    named[posting.Field] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(values);
            }
        }

        return new DispatchStatistics(layout, sample, named.ToDictionary(n => n.Key, n => n.Value.Count));
    }

    /// <summary>The guessed share of one equality value of a field: as common as each value the rules name, and as whatever they do not.</summary>
    public double ValueShare(int field) => 1.0 / (1 + _valuesNamed.GetValueOrDefault(field));

    /// <summary>The share of records that pass at least one of the key's postings.</summary>
    public double Selectivity(IndexKey key)
    {
        if (_sample is null)
        {
            return Math.Min(1, key.Postings.Sum(p => p.Guess(this)));
        }

        string signature = string.Join('\u0002', key.Postings.Select(p => p.Signature));
        if (!_measured.TryGetValue(signature, out double share))
        {
            int passed = 0;
            foreach (Record record in _sample)
            {
                foreach (Posting posting in key.Postings)
                {
                    if (posting.Matches(record, _layout))
                    {
                        passed++;
                        break;
                    }
                }
            }

            // Half a record for a key no sampled record passed: rarer than any that one did, never free.
            _measured[signature] = share = Math.Max(passed, 0.5) / _sample.Count;
        }

        return share;
    }
}
