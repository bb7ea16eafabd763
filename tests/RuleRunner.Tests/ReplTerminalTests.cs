using System.Text.RegularExpressions;

namespace RuleRunner.Tests;

/// <summary>
/// The repl as a person uses it: on a terminal (a pseudo-terminal made by util-linux's <c>script</c>, which Debian
/// always has), with keystrokes — Tab, ↑ — and the screen as it ends up after the line editor's redraws.
/// </summary>
public sealed partial class ReplTerminalTests
{
    private const string Up = "\u001b[A";

    [Fact]
    public void A_session_typed_on_a_terminal_gets_a_did_you_mean_completes_names_recalls_history_reads_a_multi_line_method_and_runs_a_model()
    {
        string keys = string.Concat(
            "subtyp = '醉酒驾驶'\r",
            "subt\t = '醉酒驾驶'\r",
            ":model M02\r",
            ":cs\r",
            "bool High(decimal? bac)\r",
            "{\r",
            "    return bac >= 200m;\r",
            "}\r",
            "High(r.Ba\t)\r",
            Up + "\r",
            ":quit\r");
        string command = $"dotnet {Quote(Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"))} repl --models {Quote(Runner.SampleModels)} --data-dir {Quote(Runner.SampleData)} --dataset dui_cases";

        (int exitCode, string output) = Runner.RunWithInput("script", ["--quiet", "--return", "--command", command, "/dev/null"], keys, new Dictionary<string, string> { ["TERM"] = "xterm" });

        string screen = Screen(output);
        Assert.True(exitCode == 0, screen);
        Assert.Contains("for trusted use only", screen, StringComparison.Ordinal);
        Assert.Contains("Dataset 'dui_cases' has no field 'subtyp'. Did you mean 'subtype'?", screen, StringComparison.Ordinal);
        long drunk = File.ReadAllLines(Path.Combine(Runner.SampleData, "dui_cases.csv")).Skip(1).Count(l => l.Split(',')[3] == "醉酒驾驶");
        Assert.Contains($"dui_cases> subtype = '醉酒驾驶'\ndui_cases.csv: 40 records: true {drunk}, ", screen, StringComparison.Ordinal);
        Assert.Matches(@"\n  M02 [^\n]+: \d+ clue\(s\) over \d+ records", screen);
        Assert.Contains("dui_cases c#> bool High(decimal? bac)\n   ...> {\n   ...>     return bac >= 200m;\n   ...> }\n", screen, StringComparison.Ordinal);
        long high = File.ReadAllLines(Path.Combine(Runner.SampleData, "dui_cases.csv")).Skip(1).Count(l => decimal.TryParse(l.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture, out decimal bac) && bac >= 200m);
        string counted = $"dui_cases c#> High(r.Bac)\ndui_cases.csv: 40 records: true {high}, ";
        Assert.Equal(2, Regex.Matches(screen, Regex.Escape(counted)).Count);
    }

    /// <summary>What the terminal shows: escape sequences applied as far as these tests need (each line ends as its last redraw left it).</summary>
    private static string Screen(string raw)
    {
        string plain = EscapeSequence().Replace(raw, string.Empty);
        return string.Join('\n', plain.Split('\n').Select(line => line.TrimEnd('\r')).Select(line => line[(line.LastIndexOf('\r') + 1)..]));
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"\u001b(\[[0-9;?]*[A-Za-z]|[=>])")]
    private static partial Regex EscapeSequence();
}
