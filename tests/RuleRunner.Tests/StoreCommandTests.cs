using System.Text.Json;
using System.Text.RegularExpressions;

namespace RuleRunner.Tests;

/// <summary><c>run --store</c> and the store's commands, as an analyst and a script use them over the sample data.</summary>
public sealed partial class StoreCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rulerunner-store-").FullName;

    private string Store => Path.Combine(_folder, "clues.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Running_the_samples_twice_into_a_store_raises_each_clue_once()
    {
        string clues = Path.Combine(_folder, "clues.jsonl");

        (int firstCode, string first) = Run("--out", clues);
        (int secondCode, string second) = Run();

        int distinct = File.ReadLines(clues).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("fingerprint").GetString()).Distinct().Count();
        Assert.Equal((0, 0), (firstCode, secondCode));
        Assert.Contains($"run 1 — {distinct} new, 0 seen again, 0 reopened, 0 not reproduced.", first, StringComparison.Ordinal);
        Assert.Contains($"run 2 — 0 new, {distinct} seen again, 0 reopened, 0 not reproduced.", second, StringComparison.Ordinal);
        Assert.Contains($"of {distinct} clue(s)", Runner.RuleRunner("clues", "list", "--store", Store).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clue_goes_through_its_life_from_the_command_line_and_refuses_a_wrong_move()
    {
        Run();
        string id = ClueId().Match(Runner.RuleRunner("clues", "list", "--store", Store, "--model", "M02").Output).Groups[1].Value;

        var steps = new[]
        {
            Runner.RuleRunner("clues", "assign", id, "--to", "李检察官", "--store", Store, "--as", "张科长"),
            Runner.RuleRunner("clues", "verify", id, "--store", Store, "--as", "李检察官"),
            Runner.RuleRunner("clues", "confirm", id, "--document", "检察建议", "--number", "（2026）浙0106检建1号", "--issued", "2026-03-02", "--store", Store, "--as", "李检察官"),
        };
        (int rejectCode, string reject) = Runner.RuleRunner("clues", "reject", id, "--reason", "data-error", "--store", Store);
        (int unknownCode, string unknown) = Runner.RuleRunner("clues", "confirm", id, "--document", "通知书", "--number", "1", "--store", Store);
        string show = Runner.RuleRunner("clues", "show", id, "--store", Store).Output;

        Assert.All(steps, s => Assert.Equal(0, s.ExitCode));
        Assert.Contains("is now 已成案 (Confirmed), reply due 2026-05-02.", steps[2].Output, StringComparison.Ordinal);
        Assert.Equal(1, rejectCode);
        Assert.Contains("error RE8002", reject, StringComparison.Ordinal);
        Assert.Equal(2, unknownCode);
        Assert.Contains("'通知书' is not one of 检察建议", unknown, StringComparison.Ordinal);
        Assert.Matches(@"张科长  assigned 待分派 → 已分派  assignee: 李检察官", show);
        Assert.Matches(@"李检察官  confirmed 核查中 → 已成案  检察建议 （2026）浙0106检建1号", show);
        Assert.Contains("document: 检察建议 （2026）浙0106检建1号, reply due 2026-05-02", show, StringComparison.Ordinal);
    }

    [Fact]
    public void A_diff_shows_the_clues_a_parameter_change_removes_and_the_rerun_marks_them_not_reproduced()
    {
        Run();
        (_, string raised) = Run("--param", "M12.large_amount=3000");

        string diff = Runner.RuleRunner("diff", "--store", Store, "--from", "1", "--to", "2").Output;

        Match summary = Regex.Match(diff, @"Run 1 → run 2: 0 added, (\d+) removed, 0 changed");
        Assert.True(summary.Success, diff);
        int removed = int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(removed > 0, diff);
        Assert.Equal(removed, Regex.Matches(diff, @"^removed  #\d+ \[M12\] ", RegexOptions.Multiline).Count);
        Assert.Contains("amount >= $large_amount", diff, StringComparison.Ordinal);
        Assert.Contains($"{removed} not reproduced.", raised, StringComparison.Ordinal);
        Assert.Contains($"of {removed} clue(s)", Runner.RuleRunner("clues", "list", "--store", Store, "--not-reproduced").Output, StringComparison.Ordinal);
    }

    private (int ExitCode, string Output) Run(params string[] extra) =>
        Runner.RuleRunner(["run", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--store", Store, "--progress", "off", .. extra]);

    [GeneratedRegex(@"^#(\d+)", RegexOptions.Multiline)]
    private static partial Regex ClueId();
}
