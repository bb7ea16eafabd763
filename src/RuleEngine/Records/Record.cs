using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>
/// One record in typed slots: numbers, dates and flags live unboxed in typed arrays, laid out by a
/// <see cref="RecordLayout"/>. Record objects are pooled and refilled, so reading a record allocates
/// nothing beyond its text values.
/// </summary>
internal sealed class Record
{
    public readonly long[] Int64s;
    public readonly double[] Doubles;
    public readonly decimal[] Decimals;
    public readonly string?[] Strings;
    public readonly string[]?[] Arrays;
    public readonly bool[] Nulls;

    /// <summary>The values of sub-expressions shared by several rules, for a record read in a run; <see langword="null"/> elsewhere.</summary>
    public SharedValues? Shared;

    /// <summary>The text of this record when its reader left the parsing to a run's workers; <see langword="null"/> until a reader first does.</summary>
    public PendingText? Pending;

    /// <summary>The host object this record is still to be written from, when its reader left the writing to a run's workers.</summary>
    public object? PendingItem;

    /// <summary>The row of <see cref="PendingItem"/> this record is still to be written from, when that is a decoded columnar batch.</summary>
    public int PendingRow;

    public Record(RecordLayout layout)
    {
        // A kind of slot the layout has none of shares the one empty array: records held for joins and derived
        // datasets are many, and each array is an object the garbage collector visits.
        Layout = layout;
        Int64s = layout.Int64Count == 0 ? [] : new long[layout.Int64Count];
        Doubles = layout.DoubleCount == 0 ? [] : new double[layout.DoubleCount];
        Decimals = layout.DecimalCount == 0 ? [] : new decimal[layout.DecimalCount];
        Strings = layout.StringCount == 0 ? [] : new string?[layout.StringCount];
        Arrays = layout.ArrayCount == 0 ? [] : new string[]?[layout.ArrayCount];
        Nulls = new bool[layout.FieldCount];
    }

    public RecordLayout Layout { get; }

    /// <summary>Gets or sets the 1-based line (text sources) or row number (object and data-reader sources).</summary>
    public long Line { get; set; }

    public void SetAllNull()
    {
        Array.Fill(Nulls, true);
        Array.Clear(Strings);
        Array.Clear(Arrays);
    }

    public void SetNull(int field)
    {
        Nulls[field] = true;
        switch (Layout.Kinds[field])
        {
            case StorageKind.String:
                Strings[Layout.Slots[field]] = null;
                break;
            case StorageKind.StringArray:
                Arrays[Layout.Slots[field]] = null;
                break;
        }
    }

    public void SetInt64(int field, long value)
    {
        Nulls[field] = false;
        Int64s[Layout.Slots[field]] = value;
    }

    public void SetDouble(int field, double value)
    {
        Nulls[field] = false;
        Doubles[Layout.Slots[field]] = value;
    }

    public void SetDecimal(int field, decimal value)
    {
        Nulls[field] = false;
        Decimals[Layout.Slots[field]] = value;
    }

    public void SetString(int field, string value)
    {
        Nulls[field] = false;
        Strings[Layout.Slots[field]] = value;
    }

    public void SetArray(int field, string[] value)
    {
        Nulls[field] = false;
        Arrays[Layout.Slots[field]] = value;
    }

    /// <summary>Reads a field as a CLR value for evidence and explanations (slow path; boxes).</summary>
    public object? GetValue(int field)
    {
        if (Nulls[field])
        {
            return null;
        }

        int slot = Layout.Slots[field];
        FieldType type = Layout.Schema.Fields[field].Type;
        return type switch
        {
            FieldType.Int => (int)Int64s[slot],
            FieldType.Long => Int64s[slot],
            FieldType.Bool => Int64s[slot] != 0,
            FieldType.Date or FieldType.YearMonth => DateOnly.FromDayNumber((int)Int64s[slot]),
            FieldType.DateTime => new DateTime(Int64s[slot], DateTimeKind.Unspecified),
            FieldType.Double => Doubles[slot],
            FieldType.Decimal => Decimals[slot],
            FieldType.StringArray => Arrays[slot],
            _ => Strings[slot],
        };
    }

    public void CopyTo(Record target)
    {
        target.Line = Line;
        Int64s.CopyTo(target.Int64s, 0);
        Doubles.CopyTo(target.Doubles, 0);
        Decimals.CopyTo(target.Decimals, 0);
        Strings.CopyTo(target.Strings, 0);
        Arrays.CopyTo(target.Arrays, 0);
        Nulls.CopyTo(target.Nulls, 0);
    }
}
