using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>
/// The records deriving rules publish during a run, per derived dataset, held until the dataset is complete and its
/// readers run. They count against <see cref="RunOptions.MaxReferenceRecords"/> together with the reference datasets.
/// </summary>
internal sealed class DerivedRecords(long limit)
{
    private readonly Dictionary<string, List<Record>> _records = new(StringComparer.Ordinal);
    private long _held;

    /// <summary>Gets or sets how many reference records the run holds besides, which share the limit.</summary>
    public long ReferenceRecords { get; set; }

    public void Add(string dataset, Record record)
    {
        if (!_records.TryGetValue(dataset, out List<Record>? list))
        {
            list = [];
            _records.Add(dataset, list);
        }

        list.Add(record);
        if (++_held + ReferenceRecords > limit)
        {
            throw new RunLimitExceededException(
                DiagnosticIds.ReferenceLimitExceeded,
                string.Create(CultureInfo.InvariantCulture, $"The reference and derived datasets hold more than {limit} records (at derived dataset '{dataset}'); raise RunOptions.MaxReferenceRecords, or make the deriving rule more selective."));
        }
    }

    /// <summary>The records of a derived dataset, in the order they were derived (none when its rule matched nothing).</summary>
    public List<Record> Of(string dataset) => _records.TryGetValue(dataset, out List<Record>? list) ? list : [];
}
