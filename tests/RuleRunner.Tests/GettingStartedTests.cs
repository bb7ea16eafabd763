using System.Text.RegularExpressions;

namespace RuleRunner.Tests;

/// <summary>docs/getting-started.md, followed to the letter: its files, its commands, its outputs.</summary>
public sealed partial class GettingStartedTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rulerunner-getting-started-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_walkthrough_works_as_written()
    {
        string guide = File.ReadAllText(Path.Combine(Runner.RepositoryRoot, "docs", "getting-started.md"));
        string[] yaml = [.. Block().Matches(guide).Where(m => m.Groups[1].Value == "yaml").Select(m => m.Groups[2].Value)];
        string csv = Block().Matches(guide).Single(m => m.Groups[1].Value == "csv").Groups[2].Value;
        Directory.CreateDirectory(Path.Combine(_folder, "my-models", "datasets"));
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        File.WriteAllText(Path.Combine(_folder, "my-models", "datasets", "suits.yaml"), yaml[0]);
        File.WriteAllText(Path.Combine(_folder, "my-models", "m01-large-claims.yaml"), yaml[1]);
        File.WriteAllText(Path.Combine(_folder, "data", "suits.csv"), csv);
        string Path_(params string[] parts) => Path.Combine([_folder, .. parts]);

        (int validate, string validated) = Runner.RuleRunner("validate", Path_("my-models"));
        (int test, string tested) = Runner.RuleRunner("test", Path_("my-models"));
        (int run, string ran) = Runner.RuleRunner("run", "--models", Path_("my-models"), "--data-dir", Path_("data"), "--out", Path_("clues.jsonl"));
        (int explain, string explained) = Runner.RuleRunner("explain", "--models", Path_("my-models"), "--model", "GS01", "--record", Path_("data", "suits.csv") + ":3");
        (int report, string reported) = Runner.RuleRunner("report", "--clues", Path_("clues.jsonl"), "--models", Path_("my-models"), "--out", Path_("report.html"));

        Assert.True((validate, test, run, explain, report) == (0, 0, 0, 0, 0), validated + tested + ran + explained + reported);
        foreach (string expected in new[] { "0 error(s), 0 warning(s).", "Model tests: 1 of 1 pass.", "Records read: 3, matched: 1, rejected: 0, rule errors: 0", "GS01: no clue — `claim_amount >= $large_claim` is false" })
        {
            Assert.Contains(expected, guide, StringComparison.Ordinal);
            Assert.Contains(expected, validated + tested + ran + explained, StringComparison.Ordinal);
        }

        File.WriteAllText(Path_("my-models", "m01-large-claims.yaml"), yaml[1].Replace("claim_amount >= $large_claim", "claim_amout >= $large_claim", StringComparison.Ordinal));
        (int misspelt, string diagnostics) = Runner.RuleRunner("validate", Path_("my-models"));
        Assert.Equal(1, misspelt);
        Assert.Contains("m01-large-claims.yaml(11,28): error RE2001: Dataset 'suits' has no field 'claim_amout'. Did you mean 'claim_amount'?", diagnostics, StringComparison.Ordinal);
    }

    [GeneratedRegex("```(yaml|csv)\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
