using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>
/// The records deriving rules publish during a run, per derived dataset, held (in blocks, <see cref="HeldRecords"/>)
/// until the dataset is complete and its readers run. They count against <see cref="RunOptions.MaxReferenceRecords"/>
/// together with the reference datasets.
/// </summary>
internal sealed class DerivedRecords(long limit)
{
    private readonly Dictionary<string, HeldRecords> _records = new(StringComparer.Ordinal);
    private long _held;

    /// <summary>Gets or sets how many reference records the run holds besides, which share the limit.</summary>
    public long ReferenceRecords { get; set; }

    public void Add(string dataset, Record record)
    {
        if (!_records.TryGetValue(dataset, out HeldRecords? held))
        {
            held = new HeldRecords(record.Layout);
            _records.Add(dataset, held);
        }

        // Copied in: the record itself dies young.
        held.Add(record);
        if (++_held + ReferenceRecords > limit)
        {
            throw new RunLimitExceededException(
                DiagnosticIds.ReferenceLimitExceeded,
                string.Create(CultureInfo.InvariantCulture, $"The reference and derived datasets hold more than {limit} records (at derived dataset '{dataset}'); raise RunOptions.MaxReferenceRecords, or make the deriving rule more selective."));
        }
    }

    /// <summary>The records of a derived dataset, in the order they were derived (none when its rule matched nothing).</summary>
    public HeldRecords Of(string dataset, RecordLayout layout) => _records.TryGetValue(dataset, out HeldRecords? held) ? held : new HeldRecords(layout);
}
