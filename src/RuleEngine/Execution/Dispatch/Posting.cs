using RuleEngine.Language;
using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// A test of one field of the rule's own record that an index can answer without evaluating the rule: a record
/// that fails it cannot make the rule TRUE. Each kind knows how to test a record itself, which is how its
/// selectivity is measured on a sample.
/// </summary>
internal abstract record Posting(int Field)
{
    /// <summary>Gets a text that is equal for equal postings (to measure each distinct posting once).</summary>
    public abstract string Signature { get; }

    /// <summary>Whether the record passes the test (a NULL field never does).</summary>
    public abstract bool Matches(Record record, RecordLayout layout);

    /// <summary>The share of records expected to pass when no sample has been seen.</summary>
    public abstract double Guess(DispatchStatistics statistics);

    /// <summary>Gets whether no value can pass the test (a range whose low bound lies above its high one).</summary>
    public virtual bool Impossible => false;

    /// <summary>
    /// Gets whether the test passes for every value it does not name (<c>&lt;&gt;</c>, <c>NOT IN</c>): a rule cannot
    /// be filed under it, but an index on the field can clear the rule where the record holds a value it names.
    /// </summary>
    public virtual bool Excludes => false;
}

/// <summary><c>field = v</c> or <c>field IN (v, …)</c> on a text field; with <paramref name="Excluded"/>, <c>field &lt;&gt; v</c> or <c>NOT IN</c>.</summary>
internal sealed record TextEquals(int Field, string[] Values, bool Excluded = false) : Posting(Field)
{
    public override string Signature => $"T{Field}{(Excluded ? "!=" : "=")}" + string.Join('\u0001', Values);

    public override bool Excludes => Excluded;

    public override bool Impossible => !Excluded && Values.Length == 0;

    public override bool Matches(Record record, RecordLayout layout) =>
        record.Strings[layout.Slots[Field]] is { } value && PassesAt(value);

    /// <summary>Whether a record holding <paramref name="value"/> (not NULL) passes.</summary>
    public bool PassesAt(string value) => Array.IndexOf(Values, value) >= 0 != Excluded;

    public override double Guess(DispatchStatistics statistics) => Share(Values.Length * statistics.ValueShare(Field), Excluded);

    /// <summary>The share of a test from the share of the values it names: what they hold, or, excluding them, the rest.</summary>
    public static double Share(double named, bool excluded) => excluded ? Math.Max(0, 1 - named) : named;
}

/// <summary>
/// <c>field = v</c> or <c>IN</c> on a field stored as a 64-bit integer: integers, dates (day numbers), truth values
/// (0/1); with <paramref name="Excluded"/>, <c>field &lt;&gt; v</c> or <c>NOT IN</c>.
/// </summary>
internal sealed record IntegerEquals(int Field, long[] Values, bool Excluded = false) : Posting(Field)
{
    public override string Signature => $"I{Field}{(Excluded ? "!=" : "=")}" + string.Join(',', Values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public override bool Excludes => Excluded;

    public override bool Impossible => !Excluded && Values.Length == 0;

    public override bool Matches(Record record, RecordLayout layout) =>
        !record.Nulls[Field] && PassesAt(record.Int64s[layout.Slots[Field]]);

    /// <summary>Whether a record holding <paramref name="value"/> (not NULL) passes.</summary>
    public bool PassesAt(long value) => Array.IndexOf(Values, value) >= 0 != Excluded;

    public override double Guess(DispatchStatistics statistics) => TextEquals.Share(Values.Length * statistics.ValueShare(Field), Excluded);
}

/// <summary>A numeric or date range: <c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>BETWEEN</c>, merged per field.</summary>
internal sealed record RangePosting(int Field, StorageKind Storage, IComparable? Low, bool LowInclusive, IComparable? High, bool HighInclusive) : Posting(Field)
{
    public override string Signature => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"R{Field}{(LowInclusive ? '[' : '(')}{Low};{High}{(HighInclusive ? ']' : ')')}");

    public override bool Matches(Record record, RecordLayout layout)
    {
        if (record.Nulls[Field])
        {
            return false;
        }

        int slot = layout.Slots[Field];
        return Storage switch
        {
            StorageKind.Decimal => Contains(record.Decimals[slot]),
            StorageKind.Double => !double.IsNaN(record.Doubles[slot]) && Contains(record.Doubles[slot]),
            _ => Contains(record.Int64s[slot]),
        };
    }

    /// <summary>Whether a value of the field's own type lies in the range.</summary>
    public bool Contains<T>(T value)
        where T : IComparable<T> =>
        (Low is null || (LowInclusive ? value.CompareTo((T)Low) >= 0 : value.CompareTo((T)Low) > 0))
        && (High is null || (HighInclusive ? value.CompareTo((T)High) <= 0 : value.CompareTo((T)High) < 0));

    public override double Guess(DispatchStatistics statistics) => Low is not null && High is not null ? 0.1 : 0.3;

    public override bool Impossible => Low is not null && High is not null && Low.CompareTo(High) is var order && (order > 0 || (order == 0 && !(LowInclusive && HighInclusive)));

    /// <summary>This range narrowed by another on the same field (both must hold).</summary>
    public RangePosting Intersect(RangePosting other)
    {
        (IComparable? low, bool lowInclusive) = Low is null ? (other.Low, other.LowInclusive)
            : other.Low is null ? (Low, LowInclusive)
            : Low.CompareTo(other.Low) switch { > 0 => (Low, LowInclusive), < 0 => (other.Low, other.LowInclusive), _ => (Low, LowInclusive && other.LowInclusive) };
        (IComparable? high, bool highInclusive) = High is null ? (other.High, other.HighInclusive)
            : other.High is null ? (High, HighInclusive)
            : High.CompareTo(other.High) switch { < 0 => (High, HighInclusive), > 0 => (other.High, other.HighInclusive), _ => (High, HighInclusive && other.HighInclusive) };
        return this with { Low = low, LowInclusive = lowInclusive, High = high, HighInclusive = highInclusive };
    }
}

/// <summary><c>starts_with(field, 'p')</c> or <c>field LIKE 'p%'</c>.</summary>
internal sealed record PrefixPosting(int Field, string Prefix) : Posting(Field)
{
    public override string Signature => $"P{Field}={Prefix}";

    public override bool Matches(Record record, RecordLayout layout) =>
        record.Strings[layout.Slots[Field]] is { } value && value.StartsWith(Prefix, StringComparison.Ordinal);

    public override double Guess(DispatchStatistics statistics) => 0.1;
}

/// <summary><c>array_contains(field, 'v')</c> on a list field.</summary>
internal sealed record TagPosting(int Field, string Tag) : Posting(Field)
{
    public override string Signature => $"G{Field}={Tag}";

    public override bool Matches(Record record, RecordLayout layout) =>
        record.Arrays[layout.Slots[Field]] is { } values && Array.IndexOf(values, Tag) >= 0;

    public override double Guess(DispatchStatistics statistics) => 0.1;
}

/// <summary>
/// What a rule can be filed under: a set of postings of which a record must pass at least one for the rule to be
/// TRUE — one posting for a conjunct, one per branch for an <c>OR</c> every branch of which can be filed.
/// </summary>
internal sealed record IndexKey(Posting[] Postings)
{
    /// <summary>Gets whether no record can pass the key: no rule that needs it can be TRUE.</summary>
    public bool Impossible => Postings.All(p => p.Impossible);

    /// <summary>Gets whether a rule can only be filtered by the key, not filed under it (it passes most values: <c>&lt;&gt;</c>, <c>NOT IN</c>).</summary>
    public bool FiltersOnly => Postings.Any(p => p.Excludes);
}
