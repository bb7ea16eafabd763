namespace RuleEngine.Execution;

/// <summary>
/// How far a whole run is, over all its sources — reference datasets loaded for joins as much as the datasets
/// evaluated — weighed by their sizes in bytes. Unknown when a source's size is (a stream that cannot seek, objects).
/// </summary>
/// <param name="lengths">Each source's length, in the order the run was given them.</param>
internal sealed class OverallProgress(IReadOnlyList<long?> lengths)
{
    private readonly long? _total = lengths.Count > 0 && lengths.All(l => l is not null) && lengths.Sum(l => l!.Value) is > 0 and long sum ? sum : null;
    private readonly bool[] _finished = new bool[lengths.Count];
    private long _done;

    /// <summary>Marks a source as read to its end (once, whatever reads it again from memory).</summary>
    public void Finished(int source)
    {
        if (source >= 0 && source < _finished.Length && !_finished[source])
        {
            _finished[source] = true;
            _done += lengths[source] ?? 0;
        }
    }

    /// <summary>The fraction of all input read, with <paramref name="fraction"/> of source <paramref name="source"/> read now.</summary>
    public double? Of(int source, double? fraction)
    {
        if (_total is not { } total)
        {
            return null;
        }

        bool reading = source >= 0 && source < _finished.Length && !_finished[source];
        double current = reading && fraction is { } f ? f * lengths[source]!.Value : 0;
        return Math.Min(1, (_done + current) / total);
    }
}
