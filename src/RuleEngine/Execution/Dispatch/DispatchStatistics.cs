using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// How selective each index key is: the share of a sample of the data that passes it, measured once per distinct
/// key; without a sample, a guess — an equality value is assumed as common as the other values the rules name for
/// that field, a range a third of the records, a prefix or tag a tenth. A test on a field whose statistics the
/// schema declares (<see cref="Schema.FieldStatistics"/>) is estimated from the declaration, sample or not.
/// </summary>
internal sealed class DispatchStatistics
{
    private readonly RecordLayout _layout;
    private readonly IReadOnlyList<Record>? _sample;
    private readonly Dictionary<int, int> _valuesNamed;

    /// <summary>Each share worked out so far, by signature: measured on the sample, or (prefixed <c>D</c>) estimated from a declaration.</summary>
    private readonly Dictionary<string, double> _shares = new(StringComparer.Ordinal);
    private readonly Dictionary<int, DeclaredField> _declared = [];

    private DispatchStatistics(RecordLayout layout, IReadOnlyList<Record>? sample, Dictionary<int, int> valuesNamed)
    {
        _layout = layout;
        _sample = sample is { Count: > 0 } ? sample : null;
        _valuesNamed = valuesNamed;
        for (int f = 0; f < layout.FieldCount; f++)
        {
            if (layout.Schema.Fields[f] is { Statistics: { } declared } field)
            {
                _declared[f] = new DeclaredField(layout, f, field, declared);
            }
        }
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
    public double ValueShare(int field) => _declared.TryGetValue(field, out DeclaredField? declared) && declared.Statistics.Distinct is { } distinct
        ? 1.0 / distinct
        : 1.0 / (1 + _valuesNamed.GetValueOrDefault(field));

    /// <summary>The share of records that pass at least one of the key's postings.</summary>
    public double Selectivity(IndexKey key)
    {
        if (key.Postings.Any(p => _declared.ContainsKey(p.Field)))
        {
            // Declared and measured shares of the branches of an OR are added, as guesses are.
            return Math.Min(1, key.Postings.Sum(p => _declared.TryGetValue(p.Field, out DeclaredField? declared)
                ? Declared(declared, p)
                : key.Postings.Length == 1 ? Undeclared(key) : Undeclared(new IndexKey([p]))));
        }

        return Undeclared(key);
    }

    /// <summary>A posting's share by its field's declaration, worked out once per distinct posting (a declaration may list thousands of values).</summary>
    private double Declared(DeclaredField declared, Posting posting)
    {
        string signature = "D" + posting.Signature;
        if (!_shares.TryGetValue(signature, out double share))
        {
            _shares[signature] = share = declared.Share(posting, this);
        }

        return share;
    }

    private double Undeclared(IndexKey key)
    {
        if (_sample is null)
        {
            return Math.Min(1, key.Postings.Sum(p => p.Guess(this)));
        }

        string signature = string.Join('\u0002', key.Postings.Select(p => p.Signature));
        if (!_shares.TryGetValue(signature, out double share))
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
            _shares[signature] = share = Math.Max(passed, 0.5) / _sample.Count;
        }

        return share;
    }

    /// <summary>A field's declared statistics, with each common value and bound written into a record of the layout so postings can test them.</summary>
    private sealed class DeclaredField
    {
        /// <summary>The least share a declared estimate gives a test: rarer than anything measured, never free.</summary>
        private const double Least = 1e-6;

        private readonly (Record Record, double Share)[] _common;
        private readonly Dictionary<string, double> _commonTexts = new(StringComparer.Ordinal);
        private readonly Dictionary<long, double> _commonIntegers = [];
        private readonly double[] _bounds;

        public DeclaredField(RecordLayout layout, int field, Schema.FieldDefinition definition, Schema.FieldStatistics statistics)
        {
            Statistics = statistics;
            _common = [.. statistics.Common.Select(c => (Schema.FieldStatistics.Parse(layout, field, definition, c.Key), c.Value))
                .Where(c => c.Item1 is not null).Select(c => (c.Item1!, c.Value))];
            _bounds = [.. statistics.Bounds.Select(b => Schema.FieldStatistics.Parse(layout, field, definition, b)).OfType<Record>().Select(r => Schema.FieldStatistics.Number(r, field))];
            int slot = layout.Slots[field];
            foreach ((Record record, double share) in _common)
            {
                // As an equality posting holds them: the text as parsed (normalised), or the 64-bit value.
                if (layout.Kinds[field] == StorageKind.String && record.Strings[slot] is { } text)
                {
                    _commonTexts[text] = _commonTexts.GetValueOrDefault(text) + share;
                }
                else if (layout.Kinds[field] == StorageKind.Int64)
                {
                    _commonIntegers[record.Int64s[slot]] = _commonIntegers.GetValueOrDefault(record.Int64s[slot]) + share;
                }
            }
            IsList = definition.Type == Schema.FieldType.StringArray;
            Rest = IsList ? 1 : Math.Max(0, 1 - statistics.Nulls - _common.Sum(c => c.Share));
            Uncommon = statistics.Distinct is { } distinct && distinct <= _common.Length ? 0 : Rest;
        }

        public Schema.FieldStatistics Statistics { get; }

        private bool IsList { get; }

        /// <summary>The share of records whose value is not empty and not a common one.</summary>
        private double Rest { get; }

        /// <summary><see cref="Rest"/>, or 0 when the common values are all the field takes.</summary>
        private double Uncommon { get; }

        /// <summary>The share of records expected to pass <paramref name="posting"/>, a test of this field.</summary>
        public double Share(Posting posting, DispatchStatistics statistics)
        {
            if (posting.Excludes)
            {
                // What is not NULL and not among the values.
                Posting named = posting switch
                {
                    TextEquals text => text with { Excluded = false },
                    IntegerEquals integer => integer with { Excluded = false },
                    _ => posting,
                };
                return Math.Clamp(1 - Statistics.Nulls - Share(named, statistics), Least, 1);
            }

            (double common, int commonPassed) = posting switch
            {
                TextEquals text => Sum(text.Values, _commonTexts),
                IntegerEquals integer => Sum(integer.Values, _commonIntegers),
                _ => Passing(posting),
            };

            double rest = posting switch
            {
                // Each value the test names that is not common takes an even part of the rest.
                TextEquals or IntegerEquals when Statistics.Distinct is { } distinct =>
                    (ValueCount(posting) - commonPassed) * (distinct > _common.Length ? Uncommon / (distinct - _common.Length) : 0),
                TextEquals or IntegerEquals => (ValueCount(posting) - commonPassed) * Uncommon * statistics.ValueShare(posting.Field),
                RangePosting range when _bounds.Length >= 2 => Uncommon * Spread(range),
                TagPosting when IsList => commonPassed > 0 ? 0 : Math.Min(Uncommon, _common.Length > 0 ? Math.Min(posting.Guess(statistics), _common.Min(c => c.Share)) : posting.Guess(statistics)),
                _ => Uncommon * posting.Guess(statistics),
            };
            return Math.Clamp(common + rest, Least, 1);
        }

        /// <summary>The common values a test passes, and their shares together, by testing each (ranges, prefixes, tags).</summary>
        private (double Share, int Count) Passing(Posting posting)
        {
            double share = 0;
            int count = 0;
            foreach ((Record record, double each) in _common)
            {
                if (posting.Matches(record, record.Layout))
                {
                    share += each;
                    count++;
                }
            }

            return (share, count);
        }

        /// <summary>The common values among an equality's values, and their shares together, by lookup (a declaration may list thousands).</summary>
        private static (double Share, int Count) Sum<TValue>(TValue[] values, Dictionary<TValue, double> common)
            where TValue : notnull
        {
            double share = 0;
            int count = 0;
            foreach (TValue value in values)
            {
                if (common.TryGetValue(value, out double each))
                {
                    share += each;
                    count++;
                }
            }

            return (share, count);
        }

        private static int ValueCount(Posting posting) => posting switch
        {
            TextEquals text => text.Values.Length,
            IntegerEquals integer => integer.Values.Length,
            _ => 1,
        };

        /// <summary>The part of the values between the bounds that lies in the range, each interval between bounds holding an equal part.</summary>
        private double Spread(RangePosting range)
        {
            double low = range.Low is null ? double.NegativeInfinity : Convert.ToDouble(range.Low, System.Globalization.CultureInfo.InvariantCulture);
            double high = range.High is null ? double.PositiveInfinity : Convert.ToDouble(range.High, System.Globalization.CultureInfo.InvariantCulture);
            double part = 0;
            for (int i = 1; i < _bounds.Length; i++)
            {
                (double from, double to) = (_bounds[i - 1], _bounds[i]);
                double width = to - from;
                part += width <= 0
                    ? (from >= low && from <= high ? 1 : 0)
                    : Math.Max(0, Math.Min(to, high) - Math.Max(from, low)) / width;
            }

            return part / (_bounds.Length - 1);
        }
    }
}
