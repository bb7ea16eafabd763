using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>
/// Where each field of a schema lives in a <see cref="Record"/>: the typed array and the slot in it.
/// Chosen once per schema, so the hot loop reads fields by constant indexes, never by name.
/// </summary>
internal sealed class RecordLayout
{
    public RecordLayout(DatasetSchema schema)
    {
        Schema = schema;
        int count = schema.Fields.Count;
        Kinds = new StorageKind[count];
        Slots = new int[count];
        Span<int> next = stackalloc int[5];
        for (int i = 0; i < count; i++)
        {
            StorageKind kind = StorageKinds.Of(schema.Fields[i].Type);
            Kinds[i] = kind;
            Slots[i] = next[(int)kind]++;
        }

        Int64Count = next[(int)StorageKind.Int64];
        DoubleCount = next[(int)StorageKind.Double];
        DecimalCount = next[(int)StorageKind.Decimal];
        StringCount = next[(int)StorageKind.String];
        ArrayCount = next[(int)StorageKind.StringArray];
    }

    public DatasetSchema Schema { get; }

    public StorageKind[] Kinds { get; }

    public int[] Slots { get; }

    public int FieldCount => Kinds.Length;

    public int Int64Count { get; }

    public int DoubleCount { get; }

    public int DecimalCount { get; }

    public int StringCount { get; }

    public int ArrayCount { get; }

    public Record CreateRecord() => new(this);
}
