namespace RuleRunner.Tests;

/// <summary><c>eval</c> and <c>repl</c>: trying conditions on the bundled data before writing a model, as an author types them.</summary>
public sealed class EvalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rulerunner-eval-").FullName;

    private static string DuiCases => Path.Combine(Runner.SampleData, "dui_cases.csv");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("subtype = '醉酒驾驶' AND bac >= 200")]
    [InlineData("licence_status NOT IN ('吊销', '注销') OR days_between(effective_date, licence_status_date) > 10")]
    [InlineData("NOT contains(case_no, '京')")]
    public void Eval_counts_what_a_model_rule_with_the_condition_flags_and_accounts_for_every_record(string condition)
    {
        (int exitCode, string output) = Runner.RuleRunner("eval", "--models", Runner.SampleModels, "--data", DuiCases, condition);
        Assert.True(exitCode == 0, output);
        System.Text.RegularExpressions.Match counts = System.Text.RegularExpressions.Regex.Match(output, @"dui_cases\.csv: (\d+) records: true (\d+), false (\d+), unknown (\d+)");
        Assert.True(counts.Success, output);
        long[] n = [.. counts.Groups.Values.Skip(1).Select(g => long.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture))];

        // The same condition as a model's only rule, run as usual.
        string models = Path.Combine(_folder, "models");
        Directory.CreateDirectory(Path.Combine(models, "datasets"));
        File.Copy(Path.Combine(Runner.SampleModels, "datasets", "dui_cases.yaml"), Path.Combine(models, "datasets", "dui_cases.yaml"));
        File.WriteAllText(Path.Combine(models, "m.yaml"), $"id: T1\nversion: \"1\"\nname: t\nfrom: dui_cases\nwhen: \"{condition.Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n");
        (int ran, string runOutput) = Runner.RuleRunner("run", "--models", models, "--data", "dui_cases=" + DuiCases, "--out", Path.Combine(_folder, "clues.jsonl"), "--progress", "off");
        Assert.True(ran == 0, runOutput);

        Assert.Equal(n[1], File.ReadAllLines(Path.Combine(_folder, "clues.jsonl")).Length);
        Assert.Equal(File.ReadAllLines(DuiCases).Length - 1, n[0]);
        Assert.Equal(n[0], n[1] + n[2] + n[3]);
    }

    [Fact]
    public void Eval_of_a_typo_points_at_its_column_suggests_the_field_and_exits_1()
    {
        (int exitCode, string output) = Runner.RuleRunner("eval", "--models", Runner.SampleModels, "--data", DuiCases, "bac > 80 AND subtyp = '醉酒驾驶'");

        Assert.Equal(1, exitCode);
        Assert.Contains("  bac > 80 AND subtyp = '醉酒驾驶'\n               ^\n", output, StringComparison.Ordinal);
        Assert.Contains("RE2001 at column 14", output, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'subtype'?", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_on_one_line_explains_each_part_with_a_models_parameters()
    {
        (int exitCode, string output) = Runner.RuleRunner("eval", "--models", Runner.SampleModels, "--data", DuiCases, "--model", "M02", "--line", "6", "licence_status = '正常' AND days_between(effective_date, DATE '2023-09-30') > $grace_days");

        Assert.True(exitCode == 0, output);
        Assert.Contains("✓ licence_status = '正常'  → true", output, StringComparison.Ordinal);
        Assert.Contains("✓ days_between(effective_date, DATE '2023-09-30') > $grace_days  → true", output, StringComparison.Ordinal);
        Assert.Contains("person_id            110105********8860", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Repl_session_lists_fields_counts_a_condition_explains_a_line_and_runs_a_model()
    {
        string session = ":fields\nsubtype = '醉酒驾驶'\n:explain 6\n:model M02\n:nonsense\n:quit\n";
        (int exitCode, string output) = Runner.RunWithInput("dotnet", [Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"), "repl", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--dataset", "dui_cases"], session);

        Assert.True(exitCode == 0, output);
        int emptyBac = File.ReadAllLines(DuiCases).Skip(1).Count(l => l.Split(',')[4].Length == 0);
        Assert.Matches($@"\n  bac +Decimal +empty {emptyBac} ", output);
        Assert.Contains("dui_cases> subtype = '醉酒驾驶'\ndui_cases.csv: 40 records: true ", output, StringComparison.Ordinal);
        Assert.Contains("condition: CLUE — every condition holds", output, StringComparison.Ordinal);
        Assert.Contains("M02.R1: ", output, StringComparison.Ordinal);
        Assert.Contains("unknown command ':nonsense'", output, StringComparison.Ordinal);
    }
}
