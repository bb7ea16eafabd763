using System.Globalization;
using RuleEngine;

namespace RuleRunner;

/// <summary>
/// Shows a run's progress on standard error: a live bar with records/s and the time left when a person watches a
/// terminal, plain lines at an interval otherwise (logs, CI). Standard output keeps the clues and the summary.
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
        string left = "?";
        if (value.Fraction is > 0 and double fraction)
        {
            double datasetSeconds = TimeProvider.System.GetElapsedTime(_datasetStarted, now).TotalSeconds;
            left = TimeSpan.FromSeconds(Math.Round(datasetSeconds * (1 - fraction) / fraction)).ToString("c", CultureInfo.InvariantCulture);
        }

        if (live)
        {
            int filled = (int)Math.Round((value.Fraction ?? 0) * BarWidth);
            string percent = value.Fraction is { } f ? (f * 100).ToString("0", CultureInfo.InvariantCulture).PadLeft(3) + "%" : "   ?";
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {percent}  {records} records  {rate}/s  {left} left  {value.Dataset}   ");
            _drawn = true;
        }
        else
        {
            string percent = value.Fraction is { } f ? string.Create(CultureInfo.InvariantCulture, $" ({f:P0} of its file)") : string.Empty;
            Console.Error.WriteLine($"progress: {value.Dataset}: {records} records read{percent}, {rate} records/s, {value.CluesEmitted.ToString(CultureInfo.InvariantCulture)} clues, {left} left for this dataset");
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
