using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>A reference dataset held in memory for a run, with one hash index per distinct join key.</summary>
internal sealed class ReferenceTable(string dataset, RecordLayout layout)
{
    /// <summary>The day an interval starts, NULL last.</summary>
    public static long IntervalStart(Record record, int field) =>
        record.Nulls[field] ? long.MaxValue : record.Int64s[record.Layout.Slots[field]];

    private readonly Dictionary<CompiledJoin, Dictionary<string, List<Record>>> _indexes = [];

    public string Dataset { get; } = dataset;

    public RecordLayout Layout { get; } = layout;

    public List<Record> Records { get; } = [];

    /// <summary>Gets the index of a join: reference records by normalised key, in input order. Built on first use.</summary>
    public Dictionary<string, List<Record>> IndexFor(CompiledJoin join, int contextSize)
    {
        lock (_indexes)
        {
            if (_indexes.TryGetValue(join, out Dictionary<string, List<Record>>? index))
            {
                return index;
            }

            index = new Dictionary<string, List<Record>>(StringComparer.Ordinal);
            var context = new Record[contextSize];
            foreach (Record record in Records)
            {
                context[join.Source] = record;
                if (JoinKeys.Of(join.RightKey, context) is { } key)
                {
                    if (!index.TryGetValue(key, out List<Record>? list))
                    {
                        list = [];
                        index.Add(key, list);
                    }

                    list.Add(record);
                }
            }

            if (join.IntervalStartField >= 0)
            {
                int field = join.IntervalStartField;
                foreach (string key in index.Keys.ToList())
                {
                    index[key] = [.. index[key].OrderBy(r => IntervalStart(r, field))];
                }
            }

            _indexes.Add(join, index);
            return index;
        }
    }
}
