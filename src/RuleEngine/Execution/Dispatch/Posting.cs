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
}

/// <summary><c>field = v</c> or <c>field IN (v, …)</c> on a text field.</summary>
internal sealed record TextEquals(int Field, string[] Values) : Posting(Field)
{
    public override string Signature => $"T{Field}=" + string.Join('\u0001', Values);

    public override bool Matches(Record record, RecordLayout layout) =>
        record.Strings[layout.Slots[Field]] is { } value && Array.IndexOf(Values, value) >= 0;

    public override double Guess(DispatchStatistics statistics) => Values.Length * statistics.ValueShare(Field);
}

/// <summary><c>field = v</c> or <c>IN</c> on a field stored as a 64-bit integer: integers, dates (day numbers), truth values (0/1).</summary>
internal sealed record IntegerEquals(int Field, long[] Values) : Posting(Field)
{
    public override string Signature => $"I{Field}=" + string.Join(',', Values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public override bool Matches(Record record, RecordLayout layout) =>
        !record.Nulls[Field] && Array.IndexOf(Values, record.Int64s[layout.Slots[Field]]) >= 0;

    public override double Guess(DispatchStatistics statistics) => Values.Length * statistics.ValueShare(Field);
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
internal sealed record IndexKey(Posting[] Postings);
