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

    [Fact]
    public void Eval_counts_a_thousand_random_conditions_exactly_as_a_run_flags_them()
    {
        (string models, string data) = GeneratedDuiCases(records: 2000);
        string[] fields = ["person_id", "name", "case_no", "subtype", "bac", "operating_vehicle", "disposition", "effective_date", "licence_status", "licence_status_date"];
        var random = new RandomConditions(seed: 20261206, RandomConditions.ValuesOf(data, fields));
        string[] conditions = [.. Enumerable.Range(0, 1000).Select(_ => random.Next())];

        (int evaluated, string evalOutput) = Runner.RunWithInput("dotnet", [Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"), "eval", "--models", models, "--data", data, "-"], string.Join('\n', conditions) + "\n");
        File.WriteAllText(Path.Combine(models, "random.yaml"), RandomConditions.ModelWithRules(conditions));
        // The run's summary counts the clues of each rule; the clues themselves (a million) are not needed.
        (int ran, string runOutput) = Runner.RuleRunner("run", "--models", models, "--data", "dui_cases=" + data, "--out", "/dev/null", "--progress", "off");

        Assert.True(evaluated == 0, evalOutput);
        Assert.True(ran == 0, runOutput);
        var counted = System.Text.RegularExpressions.Regex.Matches(evalOutput, @"dui_cases\.csv: (\d+) records: true (\d+), false (\d+), unknown (\d+)\n").ToList();
        Assert.Equal(conditions.Length, counted.Count);
        var flagged = System.Text.RegularExpressions.Regex.Matches(runOutput, @"\n  RANDOM\.(R\d+): (\d+)").ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(conditions.Length, flagged.Count);
        int splitting = 0;
        for (int i = 0; i < conditions.Length; i++)
        {
            long[] n = [.. counted[i].Groups.Values.Skip(1).Select(g => long.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture))];
            Assert.True(flagged[$"R{i + 1}"] == n[1], $"{conditions[i]}: eval says true {n[1]}, run flags {flagged[$"R{i + 1}"]}");
            Assert.Equal(2000, n[0]);
            Assert.Equal(n[0], n[1] + n[2] + n[3]);
            splitting += n[1] > 0 && n[1] < n[0] ? 1 : 0;
        }

        // The conditions are not degenerate: most of them split the records.
        Assert.True(splitting > conditions.Length / 2, $"{splitting} of {conditions.Length} conditions split the records");
    }

    [Theory]
    [InlineData("r.Bac >= 80m && r.Subtype == \"醉酒驾驶\"")]
    [InlineData("r.LicenceStatus is \"正常\" or null || Dates.DaysBetween(r.EffectiveDate, r.LicenceStatusDate) > 10")]
    [InlineData("Text.ContainsAny(r.CaseNo, \"刑初\", \"民初\") && r.OperatingVehicle != true")]
    public void Eval_of_a_CSharp_expression_counts_what_the_same_script_rule_flags(string script)
    {
        (string models, string data) = GeneratedDuiCases(records: 2000);

        (int evaluated, string evalOutput) = Runner.RuleRunner("eval", "--models", models, "--data", data, "--csharp", script);
        File.WriteAllText(Path.Combine(models, "script.yaml"), $"id: S1\nversion: \"1\"\nname: script\nfrom: dui_cases\nscript: '{script.Replace("'", "''", StringComparison.Ordinal)}'\n");
        string clues = Path.Combine(_folder, "script-clues.jsonl");
        (int ran, string runOutput) = Runner.RuleRunner("run", "--models", models, "--data", "dui_cases=" + data, "--out", clues, "--progress", "off", "--scripts", "trusted");

        Assert.True(evaluated == 0, evalOutput);
        Assert.True(ran == 0, runOutput);
        System.Text.RegularExpressions.Match counts = System.Text.RegularExpressions.Regex.Match(evalOutput, @"dui_cases\.csv: 2000 records: true (\d+), false (\d+), unknown (\d+)");
        Assert.True(counts.Success, evalOutput);
        long flagged = File.ReadLines(clues).Count(l => l.Contains("\"rule\":\"S1\"", StringComparison.Ordinal));
        Assert.InRange(flagged, 1, 1999);
        Assert.Equal(flagged, long.Parse(counts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Repl_keeps_CSharp_declarations_reads_multi_line_methods_and_refuses_what_scripts_may_not_do()
    {
        string session = string.Join('\n',
            ":cs",
            "var limit = 200m;",
            "bool High(decimal? bac)",
            "{",
            "    return bac >= limit;",
            "}",
            "High(r.Bac)",
            ":record 6",
            "r.Bac",
            "r.PersonId",
            "System.IO.File.ReadAllText(\"/etc/passwd\")",
            "while (true) { }",
            ":cond",
            "bac >= 200",
            ":quit") + "\n";

        (int exitCode, string output) = Runner.RunWithInput("dotnet", [Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"), "repl", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--dataset", "dui_cases"], session);

        Assert.True(exitCode == 0, output);
        Assert.Contains("for trusted use only", output, StringComparison.Ordinal);
        long high = File.ReadAllLines(DuiCases).Skip(1).Count(l => decimal.TryParse(l.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture, out decimal bac) && bac >= 200m);
        Assert.Contains($"dui_cases c#> High(r.Bac)\ndui_cases.csv: 40 records: true {high}, ", output, StringComparison.Ordinal);
        Assert.Contains($"dui_cases> bac >= 200\ndui_cases.csv: 40 records: true {high}, ", output, StringComparison.Ordinal);
        Assert.Contains("dui_cases c#> r.Bac\n  line 6: 193.77  (decimal?)", output, StringComparison.Ordinal);
        Assert.Contains("  line 6: \"110105********8860\"  (string)", output, StringComparison.Ordinal);
        Assert.Contains("error RE6201 at column 1: 'System.IO.File.ReadAllText(string)' is not on the scripts' allow-list.", output, StringComparison.Ordinal);
        Assert.Contains("line 6: failed (RE6301)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Repl_load_takes_data_from_another_folder_and_keeps_the_old_when_the_folder_has_none()
    {
        string data = Path.Combine(_folder, "only-dui");
        Directory.CreateDirectory(data);
        File.Copy(DuiCases, Path.Combine(data, "dui_cases.csv"));
        string session = $":datasets\n:load {Path.Combine(_folder, "empty")}\n:load {Runner.SampleData}\n:datasets\n:quit\n";
        Directory.CreateDirectory(Path.Combine(_folder, "empty"));

        (int exitCode, string output) = Runner.RunWithInput("dotnet", [Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"), "repl", "--models", Runner.SampleModels, "--data-dir", data], session);

        Assert.True(exitCode == 0, output);
        string[] parts = output.Split("dui_cases> :datasets\n");
        Assert.Equal(3, parts.Length);
        Assert.Single(parts[1].Split('\n'), l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains(" fields)", StringComparison.Ordinal));
        Assert.Contains("kept what was loaded before", parts[1], StringComparison.Ordinal);
        Assert.Equal(Directory.GetFiles(Runner.SampleData).Length, parts[2].Split('\n').Count(l => l.Contains(" fields)", StringComparison.Ordinal)));
    }

    [Fact]
    public void Repl_with_scripts_off_says_CSharp_is_off_and_keeps_evaluating_conditions()
    {
        // A models folder without the sample's C# script model, which --scripts off would refuse.
        string models = Path.Combine(_folder, "no-scripts");
        Directory.CreateDirectory(Path.Combine(models, "datasets"));
        File.Copy(Path.Combine(Runner.SampleModels, "datasets", "dui_cases.yaml"), Path.Combine(models, "datasets", "dui_cases.yaml"));

        (int exitCode, string output) = Runner.RunWithInput("dotnet", [Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"), "repl", "--models", models, "--data-dir", Runner.SampleData, "--scripts", "off"], ":cs\n:cs r.Bac > 1m\nbac > 1\n:quit\n");

        Assert.True(exitCode == 0, output);
        Assert.Equal(2, output.Split("C# is off here (--scripts off)").Length - 1);
        Assert.DoesNotContain("for trusted use only", output, StringComparison.Ordinal);
        Assert.Contains("dui_cases> bac > 1\ndui_cases.csv: 40 records: true ", output, StringComparison.Ordinal);
    }

    /// <summary>A models folder with the drunk-driving dataset and model, and a generated data file of it.</summary>
    private (string Models, string Data) GeneratedDuiCases(int records)
    {
        string models = Path.Combine(_folder, "models");
        Directory.CreateDirectory(Path.Combine(models, "datasets"));
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        File.Copy(Path.Combine(Runner.SampleModels, "datasets", "dui_cases.yaml"), Path.Combine(models, "datasets", "dui_cases.yaml"), overwrite: true);
        File.Copy(Path.Combine(Runner.SampleModels, "m02-drunk-driving-licence.yaml"), Path.Combine(models, "m02.yaml"), overwrite: true);
        File.Copy(DuiCases, Path.Combine(_folder, "data", "dui_cases.csv"), overwrite: true);
        string generated = Path.Combine(_folder, "generated");
        (int exitCode, string output) = Runner.RuleRunner("gen", "--models", models, "--out", generated, "--records", records.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exitCode == 0, output);
        return (models, Path.Combine(generated, "dui_cases.csv"));
    }
}
