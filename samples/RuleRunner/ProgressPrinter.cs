using System.Globalization;
using RuleEngine;

namespace RuleRunner;

/// <summary>
/// Shows a run's progress on standard error: a live bar with records/s and the time left when a person watches a
/// terminal, plain lines at an interval otherwise (logs, CI). The bar and the time left cover the whole run — loading
/// reference datasets for joins included — when the sizes of all inputs are known. Standard output keeps the clues
/// and the summary.
/// </summary>
internal sealed class ProgressPrinter(bool live, TimeSpan every) : IProgress<RunProgress>
{
    private const int BarWidth = 30;
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private long _lastShown = TimeProvider.System.GetTimestamp();
    private string? _dataset;
    private long _datasetStarted;
    private bool _drawn;

    public void Report(RunProgress value)
    {
        long now = TimeProvider.System.GetTimestamp();
        if (value.Dataset != _dataset)
        {
            (_dataset, _datasetStarted) = (value.Dataset, now);
        }

        if (TimeProvider.System.GetElapsedTime(_lastShown, now) < (live ? TimeSpan.FromMilliseconds(250) : every))
        {
            return;
        }

        _lastShown = now;
        double seconds = Math.Max(TimeProvider.System.GetElapsedTime(_started, now).TotalSeconds, 1e-3);
        string rate = (value.RecordsRead / seconds).ToString("N0", CultureInfo.InvariantCulture);
        string records = value.RecordsRead.ToString("N0", CultureInfo.InvariantCulture);
        // Time left: over the whole run when the sizes of all inputs are known (references included), else for this dataset.
        string left = "?";
        string scope = "for this dataset";
        if (value.OverallFraction is > 0 and double overall)
        {
            left = TimeSpan.FromSeconds(Math.Round(seconds * (1 - overall) / overall)).ToString("c", CultureInfo.InvariantCulture);
            scope = "for the run";
        }
        else if (value.Fraction is > 0 and double fraction)
        {
            double datasetSeconds = TimeProvider.System.GetElapsedTime(_datasetStarted, now).TotalSeconds;
            left = TimeSpan.FromSeconds(Math.Round(datasetSeconds * (1 - fraction) / fraction)).ToString("c", CultureInfo.InvariantCulture);
        }

        string what = value.LoadingReferences ? $"loading {value.Dataset} for joins" : value.Dataset;
        double? shown = value.OverallFraction ?? value.Fraction;
        if (live)
        {
            int filled = (int)Math.Round((shown ?? 0) * BarWidth);
            string percent = shown is { } f ? (f * 100).ToString("0", CultureInfo.InvariantCulture).PadLeft(3) + "%" : "   ?";
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {percent}  {records} records  {rate}/s  {left} left  {what}   ");
            _drawn = true;
        }
        else
        {
            string percent = value.OverallFraction is { } all ? string.Create(CultureInfo.InvariantCulture, $" ({all:P0} of all input)")
                : value.Fraction is { } f ? string.Create(CultureInfo.InvariantCulture, $" ({f:P0} of its file)") : string.Empty;
            Console.Error.WriteLine($"progress: {what}: {records} records read{percent}, {rate} records/s, {value.CluesEmitted.ToString(CultureInfo.InvariantCulture)} clues, {left} left {scope}");
        }
    }

    /// <summary>Clears the bar before the summary is printed.</summary>
    public void Finish()
    {
        if (_drawn)
        {
            Console.Error.Write("\r" + new string(' ', Console.IsErrorRedirected ? 0 : Math.Max(0, Console.WindowWidth - 1)) + "\r");
        }
    }
}
