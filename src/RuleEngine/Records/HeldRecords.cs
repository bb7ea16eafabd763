namespace RuleEngine.Records;

/// <summary>
/// Records held in memory until a later stage reads them (a derived dataset), in blocks of typed arrays: a block of
/// <see cref="BlockSize"/> records is one array per kind of slot, each record's slots side by side, so a held record
/// is a few dozen bytes in arrays the garbage collector sees once, not an object with an array per kind of slot (five
/// or six objects a record, promoted and traced at every collection while the stage lasts). Records go in by copy and
/// come out by copy into a reader's record; <see cref="Materialize"/> makes objects for the stages that need them
/// (joins index records).
/// </summary>
internal sealed class HeldRecords(RecordLayout layout)
{
    /// <summary>How many records a block holds.</summary>
    public const int BlockSize = 4096;

    private const int FirstCapacity = 64;

    private readonly List<Block> _blocks = [];

    /// <summary>Gets the layout of the records held.</summary>
    public RecordLayout Layout { get; } = layout;

    /// <summary>Gets how many records are held.</summary>
    public int Count { get; private set; }

    /// <summary>Copies <paramref name="record"/> in, after the records already held.</summary>
    public void Add(Record record)
    {
        int row = Count % BlockSize;
        if (row == 0)
        {
            // A first block starts small and doubles, so a stage that derives a handful of records holds a handful.
            _blocks.Add(new Block(Layout, _blocks.Count == 0 ? FirstCapacity : BlockSize));
        }

        Block block = _blocks[^1];
        if (row == block.Capacity)
        {
            block.Grow(Layout);
        }

        block.Lines[row] = record.Line;
        record.Int64s.CopyTo(block.Int64s.AsSpan(row * Layout.Int64Count));
        record.Doubles.CopyTo(block.Doubles.AsSpan(row * Layout.DoubleCount));
        record.Decimals.CopyTo(block.Decimals.AsSpan(row * Layout.DecimalCount));
        record.Strings.CopyTo(block.Strings.AsSpan(row * Layout.StringCount));
        record.Arrays.CopyTo(block.Arrays.AsSpan(row * Layout.ArrayCount));
        record.Nulls.CopyTo(block.Nulls.AsSpan(row * Layout.FieldCount));
        Count++;
    }

    /// <summary>Copies the record at <paramref name="index"/> (in the order added) into <paramref name="target"/>, a record of the same layout.</summary>
    public void CopyTo(int index, Record target)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        Block block = _blocks[index / BlockSize];
        int row = index % BlockSize;
        target.Line = block.Lines[row];
        block.Int64s.AsSpan(row * Layout.Int64Count, Layout.Int64Count).CopyTo(target.Int64s);
        block.Doubles.AsSpan(row * Layout.DoubleCount, Layout.DoubleCount).CopyTo(target.Doubles);
        block.Decimals.AsSpan(row * Layout.DecimalCount, Layout.DecimalCount).CopyTo(target.Decimals);
        block.Strings.AsSpan(row * Layout.StringCount, Layout.StringCount).CopyTo(target.Strings);
        block.Arrays.AsSpan(row * Layout.ArrayCount, Layout.ArrayCount).CopyTo(target.Arrays);
        block.Nulls.AsSpan(row * Layout.FieldCount, Layout.FieldCount).CopyTo(target.Nulls);
    }

    /// <summary>Lets go of every record held.</summary>
    public void Clear()
    {
        _blocks.Clear();
        Count = 0;
    }

    /// <summary>Makes a record object of each record held, in order.</summary>
    public List<Record> Materialize()
    {
        var records = new List<Record>(Count);
        for (int i = 0; i < Count; i++)
        {
            Record record = Layout.CreateRecord();
            CopyTo(i, record);
            records.Add(record);
        }

        return records;
    }

    private sealed class Block(RecordLayout layout, int capacity)
    {
        public long[] Lines = new long[capacity];
        public long[] Int64s = new long[capacity * layout.Int64Count];
        public double[] Doubles = new double[capacity * layout.DoubleCount];
        public decimal[] Decimals = new decimal[capacity * layout.DecimalCount];
        public string?[] Strings = new string?[capacity * layout.StringCount];
        public string[]?[] Arrays = new string[]?[capacity * layout.ArrayCount];
        public bool[] Nulls = new bool[capacity * layout.FieldCount];

        public int Capacity { get; private set; } = capacity;

        public void Grow(RecordLayout layout)
        {
            Capacity = Math.Min(2 * Capacity, BlockSize);
            Array.Resize(ref Lines, Capacity);
            Array.Resize(ref Int64s, Capacity * layout.Int64Count);
            Array.Resize(ref Doubles, Capacity * layout.DoubleCount);
            Array.Resize(ref Decimals, Capacity * layout.DecimalCount);
            Array.Resize(ref Strings, Capacity * layout.StringCount);
            Array.Resize(ref Arrays, Capacity * layout.ArrayCount);
            Array.Resize(ref Nulls, Capacity * layout.FieldCount);
        }
    }
}
