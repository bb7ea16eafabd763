using System.Text.Json;
using System.Text.RegularExpressions;

namespace RuleRunner.Tests;

/// <summary>The HTML report, opened in a real headless browser.</summary>
public sealed partial class ReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rulerunner-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Clues()
    {
        string clues = Path.Combine(_folder, "clues.jsonl");
        (int exitCode, string output) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--reveal-personal-data", "--out", clues);
        Assert.True(exitCode == 0, output);
        return clues;
    }

    [Fact]
    [Trait("Requires", "chromium")]
    public void The_report_renders_in_a_browser_with_the_counts_of_the_clue_file_and_no_personal_data()
    {
        string clues = Clues();
        string report = Path.Combine(_folder, "report.html");
        (int exitCode, string output) = Runner.RuleRunner("report", "--clues", clues, "--models", Runner.SampleModels, "--out", report);
        Assert.True(exitCode == 0, output);

        string[] lines = File.ReadAllLines(clues);
        var perModel = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("model").GetString()!).GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        string[] browser = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];
        (int dumped, string dom) = Runner.Run(Chromium(), [.. browser, "--dump-dom", new Uri(report).AbsoluteUri]);
        Assert.True(dumped == 0, dom);

        // The script ran (it counts the rows it shows), and every bar of the per-model chart has the file's count.
        Assert.Equal(lines.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ShownCount().Match(dom).Groups[1].Value);
        Dictionary<string, int> bars = PerModelBars().Matches(dom.Split("id=\"per-branch\"")[0]).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(perModel.OrderBy(p => p.Key), bars.OrderBy(b => b.Key));

        // The clue file was written with personal data revealed; the report shows none of it.
        Assert.Matches(IdNumber(), File.ReadAllText(clues));
        Assert.DoesNotMatch(IdNumber(), dom);

        string screenshot = Path.Combine(AppContext.BaseDirectory, "report.png");
        (int shot, string shotOutput) = Runner.Run(Chromium(), [.. browser, "--window-size=1280,1600", "--screenshot=" + screenshot, new Uri(report).AbsoluteUri]);
        Assert.True(shot == 0 && File.Exists(screenshot), shotOutput);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(screenshot)[..4]);
    }

    [Fact]
    public void Verification_outcomes_give_hit_rates_per_model()
    {
        string clues = Clues();
        string[] fingerprints = [.. File.ReadLines(clues).Select(l => JsonDocument.Parse(l).RootElement).Where(c => c.GetProperty("model").GetString() == "M12").Select(c => c.GetProperty("fingerprint").GetString()!)];
        string outcomes = Path.Combine(_folder, "outcomes.csv");
        File.WriteAllLines(outcomes, ["fingerprint,outcome", .. fingerprints.Select((f, i) => $"{f},{(i % 4 == 0 ? "rejected" : "confirmed")}")]);
        string report = Path.Combine(_folder, "report.html");

        (int exitCode, string output) = Runner.RuleRunner("report", "--clues", clues, "--outcomes", outcomes, "--out", report);

        Assert.True(exitCode == 0, output);
        int rejected = (fingerprints.Length + 3) / 4;
        Assert.Contains($"<tr data-model=\"M12\"><td>M12</td><td>{fingerprints.Length - rejected}</td><td>{rejected}</td>", File.ReadAllText(report), StringComparison.Ordinal);
    }

    private static string Chromium()
    {
        foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
        {
            string? found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
            if (found is not null)
            {
                return found;
            }
        }

        throw new InvalidOperationException("The browser test needs Chromium and a CJK font: apt-get install chromium fonts-wqy-zenhei (tests/run.sh installs them).");
    }

    [GeneratedRegex("id=\"shown-count\">([0-9]+)<")]
    private static partial Regex ShownCount();

    [GeneratedRegex("<g class=\"bar\" data-key=\"([^\"]+)\" data-count=\"([0-9]+)\">")]
    private static partial Regex PerModelBars();

    [GeneratedRegex("(?<![0-9])[0-9]{17}[0-9X](?![0-9])")]
    private static partial Regex IdNumber();
}
