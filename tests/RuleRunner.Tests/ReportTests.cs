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
    public void The_report_renders_in_Chinese_in_a_browser_with_the_counts_the_run_and_the_legal_basis_and_no_personal_data()
    {
        string clues = Clues();
        string report = Path.Combine(_folder, "report.html");
        (int exitCode, string output) = Runner.RuleRunner("report", "--clues", clues, "--models", Runner.SampleModels, "--out", report);
        Assert.True(exitCode == 0, output);

        string[] lines = File.ReadAllLines(clues);
        var perModel = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("model").GetString()!).GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        (int dumped, string dom) = Runner.Run(Chromium(), [.. Browser, "--dump-dom", new Uri(report).AbsoluteUri]);
        Assert.True(dumped == 0, dom);

        // The script ran (it counts the clues it shows), and every bar of the per-model chart has the file's count.
        Assert.Equal(lines.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ShownCount().Match(dom).Groups[1].Value);
        Dictionary<string, int> bars = PerModelBars().Matches(dom.Split("id=\"per-branch\"")[0]).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(perModel.OrderBy(p => p.Key), bars.OrderBy(b => b.Key));

        // In Chinese: the run that made the clues (inputs by hash), each model's legal basis, evidence under the dataset's column names, severities high first.
        Assert.Contains("<h1>法律监督线索报告</h1>", dom, StringComparison.Ordinal);
        string duiHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(Runner.SampleData, "dui_cases.csv"))));
        Assert.Contains(duiHash, dom, StringComparison.Ordinal);
        Assert.Contains("《中华人民共和国道路交通安全法》第九十一条第二款：醉酒驾驶机动车的，由公安机关交通管理部门约束至酒醒", dom, StringComparison.Ordinal);
        Assert.Contains("<td title=\"person_id\">公民身份号码</td>", dom, StringComparison.Ordinal);
        string severities = dom.Split("id=\"per-severity\"")[1].Split("</figure>")[0];
        Assert.True(severities.IndexOf("data-key=\"high\"", StringComparison.Ordinal) < severities.IndexOf("data-key=\"medium\"", StringComparison.Ordinal));

        // The clue file was written with personal data revealed; the report shows none of it.
        Assert.Matches(IdNumber(), File.ReadAllText(clues));
        Assert.DoesNotMatch(IdNumber(), dom);

        // What a prosecutor sees and prints: a screenshot and an A4 PDF printed by the browser, kept with the test output.
        string screenshot = Path.Combine(AppContext.BaseDirectory, "report.png");
        string pdf = Path.Combine(AppContext.BaseDirectory, "report.pdf");
        (int shot, string shotOutput) = Runner.Run(Chromium(), [.. Browser, "--window-size=1280,1600", "--screenshot=" + screenshot, new Uri(report).AbsoluteUri]);
        (int printed, string printOutput) = Runner.Run(Chromium(), [.. Browser, "--no-pdf-header-footer", "--print-to-pdf=" + pdf, new Uri(report).AbsoluteUri]);
        Assert.True(shot == 0 && File.Exists(screenshot), shotOutput);
        Assert.True(printed == 0 && File.Exists(pdf), printOutput);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(screenshot)[..4]);
        string pdfText = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(pdf));
        Assert.StartsWith("%PDF", pdfText, StringComparison.Ordinal);
        Assert.Matches(@"/MediaBox \[0 0 59[45]\.\d+ 841\.\d+\]", pdfText); // A4: 210 × 297 mm in points
    }

    [Fact]
    [Trait("Requires", "chromium")]
    public void Search_finds_clues_beyond_the_detailed_table()
    {
        string clues = Clues();
        string report = Path.Combine(_folder, "report.html");
        (int exitCode, string output) = Runner.RuleRunner("report", "--clues", clues, "--out", report, "--table-rows", "10");
        Assert.True(exitCode == 0, output);
        string[] lines = File.ReadAllLines(clues);

        // With no search every clue counts as shown, ten of them in the table.
        (int dumped, string dom) = Runner.Run(Chromium(), [.. Browser, "--dump-dom", new Uri(report).AbsoluteUri]);
        Assert.True(dumped == 0, dom);
        Assert.Equal(lines.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ShownCount().Match(dom).Groups[1].Value);
        Assert.Equal(10, Regex.Matches(dom, "<tr class=\"clue\"").Count);
        Assert.Contains("the table details the first 10", File.ReadAllText(report).Replace("表中列出前 10 条的详情", "the table details the first 10", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_speaks_English_on_request_and_says_when_no_run_record_is_beside_the_clues()
    {
        string clues = Clues();
        File.Delete(clues + ".run.json");
        string report = Path.Combine(_folder, "report-en.html");

        (int exitCode, string output) = Runner.RuleRunner("report", "--clues", clues, "--models", Runner.SampleModels, "--out", report, "--lang", "en");

        Assert.True(exitCode == 0, output);
        string html = File.ReadAllText(report);
        Assert.Contains("<h1>Clue report</h1>", html, StringComparison.Ordinal);
        Assert.Contains("No run record (.run.json) beside the clue file", html, StringComparison.Ordinal);
        Assert.Contains("Legal basis", html, StringComparison.Ordinal);
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

    private static readonly string[] Browser = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

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

    [GeneratedRegex("(?<![0-9A-Za-z])[0-9]{17}[0-9X](?![0-9A-Za-z])")]
    private static partial Regex IdNumber();
}
