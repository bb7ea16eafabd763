namespace RuleEngine.Records;

/// <summary>
/// The values of sub-expressions that several rules of a rule set share (<c>id_age_at(person_id, filing_date)</c> in
/// ten rules), cached on a record so each is computed once per record, whichever rule needs it first. A value is
/// valid while its stamp equals <see cref="Epoch"/>; refilling the record moves the epoch on. Typed arrays, so caching
/// a value allocates nothing.
/// </summary>
internal sealed class SharedValues(int count)
{
    public readonly long[] Stamps = new long[count];
    public readonly bool?[] Bools = new bool?[count];
    public readonly long?[] Int64s = new long?[count];
    public readonly int?[] Int32s = new int?[count];
    public readonly decimal?[] Decimals = new decimal?[count];
    public readonly double?[] Doubles = new double?[count];
    public readonly string?[] Strings = new string?[count];
    public readonly string[]?[] Arrays = new string[]?[count];

    /// <summary>The current epoch; values stamped with it belong to the record's current content.</summary>
    public long Epoch = 1;

    /// <summary>How many shared values were computed rather than read back (tests watch it).</summary>
    public long Computed;

    /// <summary>Forgets every value: the record has been refilled.</summary>
    public void Invalidate() => Epoch++;
}
