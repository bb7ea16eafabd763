using RuleEngine.Yaml;

namespace RuleRunner.Tests;

/// <summary>The runner's commands on the bundled samples, as a user types them.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rulerunner-commands-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Explain_shows_each_condition_with_its_value_and_the_verdict()
    {
        (int exitCode, string output) = Runner.RuleRunner("explain", "--models", Runner.SampleModels, "--model", "M02", "--record", Path.Combine(Runner.SampleData, "dui_cases.csv") + ":6");

        Assert.True(exitCode == 0, output);
        Assert.Contains("M02.R1: CLUE — every condition holds", output, StringComparison.Ordinal);
        Assert.Contains("✗ licence_status = '吊销'  → false", output, StringComparison.Ordinal);
        Assert.Contains("? days_between(effective_date, licence_status_date) > $grace_days  → unknown", output, StringComparison.Ordinal);
        Assert.Contains("person_id            110105********8860", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_asks_for_the_reference_data_a_join_rule_needs()
    {
        string record = Path.Combine(Runner.SampleData, "convictions.csv") + ":2";

        (int without, string withoutOutput) = Runner.RuleRunner("explain", "--models", Runner.SampleModels, "--model", "M08", "--record", record);
        (int with, string withOutput) = Runner.RuleRunner("explain", "--models", Runner.SampleModels, "--model", "M08", "--record", record, "--data-dir", Runner.SampleData);

        Assert.True(without == 0 && with == 0, withoutOutput + withOutput);
        Assert.Contains("M08: NOT EVALUATED", withoutOutput, StringComparison.Ordinal);
        Assert.Contains("give that dataset's data", withoutOutput, StringComparison.Ordinal);
        Assert.Contains("M08: CLUE", withOutput, StringComparison.Ordinal);
        Assert.Matches(@"joined o = company_officers:\d+: credit_code [0-9A-Z]{18}, ", withOutput);
    }

    [Fact]
    public void Explain_follows_a_record_through_the_stages_of_a_multi_stage_model()
    {
        // Line 12: 城阳加油站's return for March 2024, below 80 % of that month's deliveries.
        (int exitCode, string output) = Runner.RuleRunner("explain", "--models", Runner.SampleModels, "--model", "M20", "--record", Path.Combine(Runner.SampleData, "tax_returns.csv") + ":12", "--data-dir", Runner.SampleData);

        Assert.True(exitCode == 0, output);
        Assert.Contains("M20.S1: derives a record of the next stage", output, StringComparison.Ordinal);
        Assert.Contains("↳ record of station_months (from line 12):", output, StringComparison.Ordinal);
        Assert.Matches(@"\n {6}period +2024-03\n", output);
        Assert.Contains("    M20.R1: counts in its window", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public void A_clue_file_on_a_full_disk_fails_the_run_with_RE5013_and_exit_code_1_not_a_crash(string format)
    {
        RequireFullDevice();

        (int exitCode, string output) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--out", "/dev/full", "--format", format, "--progress", "off");

        AssertFailedCleanly(exitCode, output, 1, "RE5013", "No space left on device");
    }

    [Fact]
    public void A_dead_letter_file_on_a_full_disk_fails_the_run_with_RE5014_and_exit_code_1_not_a_crash()
    {
        RequireFullDevice();
        string data = Path.Combine(_folder, "dui_cases.csv");
        File.WriteAllText(data, File.ReadAllText(Path.Combine(Runner.SampleData, "dui_cases.csv")) + "330624196210095552,刘强,（2024）京0105刑初476号,醉酒驾驶,224.29,否,有罪判决,2024-13-45,吊销,2024-02-13\n");

        (int exitCode, string output) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data", "dui_cases=" + data, "--out", Path.Combine(_folder, "clues.jsonl"), "--dead-letters", "/dev/full", "--progress", "off");

        AssertFailedCleanly(exitCode, output, 1, "RE5014");
        Assert.DoesNotContain("exit code 3", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Clues_listed_to_a_full_disk_fail_the_run_with_exit_code_1_not_a_crash()
    {
        RequireFullDevice();
        string runner = Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll");

        (int exitCode, string output) = Runner.Run("sh", ["-c", $"dotnet '{runner}' run --models '{Runner.SampleModels}' --data-dir '{Runner.SampleData}' > /dev/full"]);

        AssertFailedCleanly(exitCode, output, 1, "error: No space left on device");
    }

    [Fact]
    public void A_clue_store_server_that_cannot_be_reached_is_an_error_without_its_password_not_a_crash()
    {
        (int exitCode, string output) = Runner.RuleRunner("stats", "--store", "Host=127.0.0.1;Port=1;Database=clues;Username=clues;Password=secret;Timeout=5");

        AssertFailedCleanly(exitCode, output, 1, "error: the clue store");
        Assert.DoesNotContain("secret", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_of_a_file_that_is_not_clues_names_the_line_and_exits_2_without_showing_it()
    {
        string clues = Path.Combine(_folder, "clues.jsonl");
        string expected = Path.Combine(_folder, "expected-clues.tsv");
        File.WriteAllText(clues, "{\"rule\":\"M02.R1\",\"subject\":\"330624196210095552\"}\n{\"rule\":\"M02.R1\",\"subject\":\"1101051970120759\n");
        File.WriteAllText(expected, "M02.R1\t330624196210095552\n");

        (int exitCode, string output) = Runner.RuleRunner("compare", "--clues", clues, "--expected", expected);
        (int missing, string missingOutput) = Runner.RuleRunner("compare", "--clues", Path.Combine(_folder, "none.jsonl"), "--expected", expected);

        AssertFailedCleanly(exitCode, output, 2, "line 2 of");
        Assert.DoesNotContain("1101051970120759", output, StringComparison.Ordinal);
        AssertFailedCleanly(missing, missingOutput, 2, "does not exist");
    }

    [Fact]
    public void Explain_of_a_file_without_the_datasets_columns_says_which_are_missing_and_exits_1()
    {
        string file = Path.Combine(_folder, "dui_cases.csv");
        File.WriteAllText(file, "a,b\n1,2\n");

        (int exitCode, string output) = Runner.RuleRunner("explain", "--models", Runner.SampleModels, "--model", "M02", "--record", file + ":2");

        AssertFailedCleanly(exitCode, output, 1, "RE5002", "'公民身份号码'");
    }

    [Fact]
    public void Compare_of_a_masked_clue_file_says_that_it_needs_revealed_subjects()
    {
        string data = Path.Combine(_folder, "generated");
        (int generated, string generatedOutput) = Runner.RuleRunner("gen", "--models", Runner.SampleModels, "--out", data, "--records", "200", "--seed", "3");
        Assert.True(generated == 0, generatedOutput);
        string masked = Path.Combine(_folder, "masked.jsonl");
        string revealed = Path.Combine(_folder, "revealed.jsonl");
        Assert.Equal(0, Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", data, "--out", masked, "--progress", "off").ExitCode);
        Assert.Equal(0, Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", data, "--out", revealed, "--reveal-personal-data", "--progress", "off").ExitCode);

        (int maskedExit, string maskedOutput) = Runner.RuleRunner("compare", "--clues", masked, "--expected", Path.Combine(data, "expected-clues.tsv"));
        (int revealedExit, string revealedOutput) = Runner.RuleRunner("compare", "--clues", revealed, "--expected", Path.Combine(data, "expected-clues.tsv"));

        Assert.Equal(1, maskedExit);
        Assert.Contains("compare needs the clues of a run with --reveal-personal-data", maskedOutput, StringComparison.Ordinal);
        Assert.True(revealedExit == 0, revealedOutput);
        Assert.DoesNotContain("masked", revealedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_data_keeps_a_replicas_case_numbers_joined_and_plants_clues_whatever_names_their_subject()
    {
        // A judgment's case number names its enforcement: each replica's numbers must be fresh, yet the same in both
        // datasets, and keep the court and case type a rule may read.
        string models = Directory.CreateDirectory(Path.Combine(_folder, "models", "datasets")).Parent!.FullName;
        File.WriteAllText(Path.Combine(models, "datasets", "judgments.yaml"), """
            dataset: judgments
            key: [person_id]
            fields:
              - {name: person_id, type: id_number}
              - {name: case_no, type: case_no}
              - {name: unpaid, type: decimal}
            """);
        File.WriteAllText(Path.Combine(models, "datasets", "enforcements.yaml"), """
            dataset: enforcements
            fields:
              - {name: source_case_no, type: case_no}
              - {name: status, type: string}
            """);
        File.WriteAllText(Path.Combine(models, "m.yaml"), """
            id: J1
            version: "1"
            name: 执行终本而判赔未付
            from: judgments
            join:
              - {dataset: enforcements, as: e, on: {case_no: source_case_no}}
            when: unpaid > 0 AND e.status = '终结本次执行' AND case_no_court(case_no) = '辽0502'
            tests:
              - name: 终本报，执行完毕不报
                records:
                  judgments:
                    - {person_id: 11010519491231002X, case_no: （2022）辽0502刑初45号, unpaid: 100}
                    - {person_id: 370101190102039973, case_no: （2022）辽0502刑初46号, unpaid: 100}
                  enforcements:
                    - {source_case_no: （2022）辽0502刑初45号, status: 终结本次执行}
                    - {source_case_no: （2022）辽0502刑初46号, status: 执行完毕}
                expect:
                  - {subject: 11010519491231002X}
            """);
        // Subjects named through the rule's alias, a case number as the subject, written in a test as a user types them.
        File.WriteAllText(Path.Combine(models, "m2.yaml"), """
            id: J2
            version: "1"
            name: 案号与同一人
            rules:
              - id: CASE
                from: {dataset: judgments, as: j}
                when: j.unpaid > 1000
                clue: {subject: [j.case_no]}
              - id: TWICE
                from: {dataset: judgments, as: j}
                when: j.unpaid > 0
                window: {group_by: j.person_id, having: "count() >= 2"}
            tests:
              - name: 案号为主体；同一人两案
                records:
                  judgments:
                    - {person_id: 11010519491231002X, case_no: （2022）辽0502刑初47号, unpaid: 5000}
                    - {person_id: 11010519491231002X, case_no: （2022）辽0502刑初48号, unpaid: 10}
                expect:
                  - {rule: CASE, subject: (2022)辽0502刑初47号}
                  - {rule: TWICE, subject: 11010519491231002x}
            """);
        string data = Path.Combine(_folder, "generated");
        string clues = Path.Combine(_folder, "clues.jsonl");
        Assert.Equal(0, Runner.RuleRunner("test", models).ExitCode);

        (int generated, string generatedOutput) = Runner.RuleRunner("gen", "--models", models, "--out", data, "--records", "1000", "--seed", "5");
        (int ran, string runOutput) = Runner.RuleRunner("run", "--models", models, "--data-dir", data, "--out", clues, "--reveal-personal-data", "--progress", "off");
        (int compared, string comparison) = Runner.RuleRunner("compare", "--clues", clues, "--expected", Path.Combine(data, "expected-clues.tsv"));

        Assert.True(generated == 0, generatedOutput);
        Assert.True(ran == 0, runOutput);
        Assert.True(compared == 0, comparison);
        Assert.Contains("1500 expected clues, 1500 produced: 0 missing, 0 unexpected", comparison, StringComparison.Ordinal);
        string[] numbers = [.. File.ReadLines(Path.Combine(data, "judgments.csv")).Skip(1).Select(line => line.Split(',')[1])];
        Assert.Equal(numbers.Length, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.StartsWith("（2022）辽0502刑初", n, StringComparison.Ordinal));
    }

    [Fact]
    public void Generated_data_fills_the_required_fields_its_test_records_leave_out()
    {
        // The model reads two fields; the dataset requires four. A run that checks every field (as rulerunner sql does
        // when it loads the files) must find nothing missing in what gen wrote.
        string models = Directory.CreateDirectory(Path.Combine(_folder, "required", "datasets")).Parent!.FullName;
        File.WriteAllText(Path.Combine(models, "datasets", "suits.yaml"), """
            dataset: suits
            key: [plaintiff_id]
            fields:
              - {name: case_no, type: case_no, required: true}
              - {name: plaintiff_id, type: id_number}
              - {name: filed_on, type: date, required: true}
              - {name: amount, type: decimal, required: true}
              - {name: court, type: string, required: true}
            """);
        File.WriteAllText(Path.Combine(models, "m.yaml"), """
            id: Q1
            version: "1"
            name: 大额起诉
            from: suits
            when: amount > 100000
            tests:
              - name: 大额报
                records:
                  suits:
                    - {plaintiff_id: 11010519491231002X, amount: 200000}
                    - {plaintiff_id: 370101190102039973, amount: 200}
                expect:
                  - {subject: 11010519491231002X}
            """);
        string data = Path.Combine(_folder, "required-data");
        string clues = Path.Combine(_folder, "required-clues.jsonl");

        (int generated, string generatedOutput) = Runner.RuleRunner("gen", "--models", models, "--out", data, "--records", "100", "--seed", "2");
        (int ran, string runOutput) = Runner.RuleRunner("run", "--models", models, "--data-dir", data, "--out", clues, "--reveal-personal-data", "--check-every-field", "--progress", "off");
        (int compared, string comparison) = Runner.RuleRunner("compare", "--clues", clues, "--expected", Path.Combine(data, "expected-clues.tsv"));

        Assert.True(generated == 0, generatedOutput);
        Assert.True(ran == 0, runOutput);
        Assert.Contains("rejected: 0", runOutput, StringComparison.Ordinal);
        Assert.True(compared == 0, comparison);
        Assert.Contains("50 expected clues, 50 produced: 0 missing, 0 unexpected", comparison, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_folder_of_Parquet_exports_gives_the_clues_the_generator_planted()
    {
        // The generator's CSV and JSON Lines, loaded through the engine's readers and written by DuckDB as typed Parquet
        // with each record's line; the folder holds only the Parquet files, found by the datasets' names.
        string data = Path.Combine(_folder, "generated");
        string parquet = Directory.CreateDirectory(Path.Combine(_folder, "parquet")).FullName;
        (int generated, string generatedOutput) = Runner.RuleRunner("gen", "--models", Runner.SampleModels, "--out", data, "--records", "300", "--seed", "4");
        Assert.True(generated == 0, generatedOutput);
        ModelSet models = ModelSet.Load(Runner.SampleModels, new ModelLoadOptions { ScriptCompiler = new RuleEngine.Scripting.ScriptRuleCompiler() });
        using (var duck = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            await duck.OpenAsync();
            foreach (DatasetDefinition dataset in models.Datasets.Values.Where(d => d.FindDataFile(data) is not null))
            {
                await RuleEngine.Sql.SqlTableLoader.LoadAsync(duck, dataset.Open(dataset.FindDataFile(data)!), dataset.Schema.Name);
                using var copy = duck.CreateCommand();
                copy.CommandText = $"COPY (SELECT * FROM {dataset.Schema.Name} ORDER BY _line) TO '{Path.Combine(parquet, dataset.Schema.Name + ".parquet")}' (FORMAT parquet)";
                await copy.ExecuteNonQueryAsync();
            }
        }

        string clues = Path.Combine(_folder, "clues.jsonl");
        (int ran, string runOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", parquet, "--out", clues, "--reveal-personal-data", "--progress", "off");
        (int compared, string comparison) = Runner.RuleRunner("compare", "--clues", clues, "--expected", Path.Combine(data, "expected-clues.tsv"));

        Assert.True(ran == 0, runOutput);
        Assert.True(Directory.GetFiles(parquet).Length >= 5, string.Join(", ", Directory.GetFiles(parquet)));
        Assert.True(compared == 0, comparison);
        Assert.Contains("0 missing, 0 unexpected", comparison, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_file_that_is_an_input_or_another_output_is_refused_and_the_input_kept()
    {
        string cases = Path.Combine(_folder, "dui_cases.csv");
        File.Copy(Path.Combine(Runner.SampleData, "dui_cases.csv"), cases);
        byte[] original = File.ReadAllBytes(cases);
        string clues = Path.Combine(_folder, "clues.jsonl");

        (int overOut, string overOutOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data", "dui_cases=" + cases, "--out", cases, "--progress", "off");
        (int overDeadLetters, string overDeadLettersOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data", "dui_cases=" + cases, "--dead-letters", Path.Combine(_folder, ".", "dui_cases.csv"), "--progress", "off");
        (int twice, string twiceOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data", "dui_cases=" + cases, "--out", clues, "--dead-letters", clues, "--progress", "off");
        Assert.Equal(0, Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data", "dui_cases=" + cases, "--out", clues, "--progress", "off").ExitCode);
        byte[] clueBytes = File.ReadAllBytes(clues);
        (int report, string reportOutput) = Runner.RuleRunner("report", "--clues", clues, "--out", clues);
        (int sql, string sqlOutput) = Runner.RuleRunner("sql", "--models", Runner.SampleModels, "--data-dir", _folder, "--out", cases);

        AssertFailedCleanly(overOut, overOutOutput, 2, "--out:", "is the data of dataset 'dui_cases'");
        AssertFailedCleanly(overDeadLetters, overDeadLettersOutput, 2, "--dead-letters:", "is the data of dataset 'dui_cases'");
        AssertFailedCleanly(twice, twiceOutput, 2, "--dead-letters:", "is also where --out writes");
        AssertFailedCleanly(report, reportOutput, 2, "--out:", "is the clue file");
        AssertFailedCleanly(sql, sqlOutput, 2, "--out:", "is the data of dataset 'dui_cases'");
        Assert.Equal(original, File.ReadAllBytes(cases));
        Assert.Equal(clueBytes, File.ReadAllBytes(clues));
    }

    [Fact]
    public void Run_over_clean_data_exits_0_and_accounts_for_every_line()
    {
        (int exitCode, string output) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--out", Path.Combine(_folder, "clues.jsonl"), "--progress", "off");

        Assert.True(exitCode == 0, output);
        Assert.Contains("dui_cases: 40 read from 41 line(s): 1 header, 40 in records", output, StringComparison.Ordinal);
        Assert.DoesNotContain("UNACCOUNTED", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 3)]
    public void A_bad_value_in_a_column_no_model_reads_is_a_loss_only_when_every_field_is_checked(bool checkEveryField, int expectedExit)
    {
        string data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(data);
        foreach (string file in Directory.GetFiles(Runner.SampleData))
        {
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        }

        // 营运车辆 (operating_vehicle, a truth value) on line 4 of dui_cases.csv: no model reads it.
        string[] lines = File.ReadAllLines(Path.Combine(data, "dui_cases.csv"));
        string[] cells = lines[3].Split(',');
        cells[5] = "也许";
        lines[3] = string.Join(',', cells);
        File.WriteAllLines(Path.Combine(data, "dui_cases.csv"), lines);

        string[] arguments = ["run", "--models", Runner.SampleModels, "--data-dir", data, "--out", Path.Combine(_folder, "clues.jsonl"), "--progress", "off"];
        (int exitCode, string output) = Runner.RuleRunner(checkEveryField ? [.. arguments, "--check-every-field"] : arguments);

        Assert.True(exitCode == expectedExit, output);
        Assert.Equal(checkEveryField, output.Contains("dui_cases:4", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_with_a_stray_quote_reads_the_rest_of_the_file_and_exits_3()
    {
        string data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(data);
        foreach (string file in Directory.GetFiles(Runner.SampleData))
        {
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        }

        // One unbalanced quote at the start of a field on line 4 of dui_cases.csv.
        string[] lines = File.ReadAllLines(Path.Combine(data, "dui_cases.csv"));
        int comma = lines[3].IndexOf(',', StringComparison.Ordinal);
        lines[3] = lines[3][..(comma + 1)] + "\"" + lines[3][(comma + 1)..];
        File.WriteAllLines(Path.Combine(data, "dui_cases.csv"), lines);

        (int exitCode, string output) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", data, "--out", Path.Combine(_folder, "clues.jsonl"), "--progress", "off");

        Assert.True(exitCode == 3, output);
        Assert.Contains("dui_cases: 40 read from 41 line(s): 1 header, 40 in records", output, StringComparison.Ordinal);
        Assert.Contains("dui_cases:4", output, StringComparison.Ordinal);
        Assert.Contains("RE5001", output, StringComparison.Ordinal);
        Assert.Contains("Finished with loss (exit code 3): 1 record(s) rejected", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_writes_csv_clues_with_the_same_rows_as_json_lines()
    {
        string jsonl = Path.Combine(_folder, "clues.jsonl");
        string csv = Path.Combine(_folder, "clues.csv");

        (int first, string firstOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--out", jsonl);
        (int second, string secondOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--out", csv, "--format", "csv");

        Assert.True(first == 0 && second == 0, firstOutput + secondOutput);
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, File.ReadAllBytes(csv)[..3]);
        Assert.StartsWith("model,rule,version,dataset,line,subject,fingerprint", rows[0], StringComparison.Ordinal);
        Assert.Equal(File.ReadAllLines(jsonl).Length, rows.Length - 1);
    }

    [Fact]
    public void A_run_not_watched_on_a_terminal_reports_progress_in_plain_lines()
    {
        (int exitCode, string output) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--out", Path.Combine(_folder, "clues.jsonl"), "--progress-every", "0");

        Assert.True(exitCode == 0, output);
        Assert.Matches(@"progress: dui_cases: [0-9,]+ records read \([0-9]+ % of all input\), [0-9,]+ records/s, [0-9]+ clues, [0-9:]+ left for the run", output);
        Assert.Matches(@"progress: loading deaths for joins: [0-9,]+ records read \([0-9]+ % of all input\)", output);
        Assert.DoesNotContain("\r[", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "--models", "samples/models", "--data-dir", "samples/data", "--format", "xml")]
    [InlineData("explain", "--models", "samples/models", "--model", "M02", "--record", "nowhere.csv:3")]
    [InlineData("report", "--clues", "nowhere.jsonl", "--out", "report.html")]
    public void A_wrong_argument_exits_with_2_and_says_what_is_wrong(params string[] arguments)
    {
        string[] absolute = [.. arguments.Select(a => a.StartsWith("samples/", StringComparison.Ordinal) ? Path.Combine(Runner.RepositoryRoot, a) : a)];

        (int exitCode, string output) = Runner.RuleRunner(absolute);

        Assert.Equal(2, exitCode);
        Assert.Matches("--(format|record|clues): ", output);
    }

    [Fact]
    public void Sql_on_an_embedded_DuckDB_finds_the_clues_of_run()
    {
        (int run, string runOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--scripts", "trusted");
        (int sql, string sqlOutput) = Runner.RuleRunner("sql", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--scripts", "trusted");

        Assert.True(run == 0 && sql == 0, runOutput + sqlOutput);
        string clues = Assert.Single(runOutput.Split('\n'), l => l.StartsWith("Clues: ", StringComparison.Ordinal));
        Assert.Contains(clues, sqlOutput, StringComparison.Ordinal);
        Assert.Contains("loaded lending_suits: 50 records, 0 rejected", sqlOutput, StringComparison.Ordinal);
        Assert.Contains("joined in the database", sqlOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_plan_prints_the_queries_and_refuses_a_script_that_would_run_in_a_worker()
    {
        (int exitCode, string output) = Runner.RuleRunner("sql", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--plan");

        Assert.Equal(1, exitCode);
        Assert.Contains("-- dui_cases: M02.R1, M02.R2, M02.DQ", output, StringComparison.Ordinal);
        Assert.Contains("WITH re_stage0 AS", output, StringComparison.Ordinal);
        Assert.Contains("m14-lpr-interest-cap.csx(25,7): error RE7001", output, StringComparison.Ordinal);
    }

    /// <summary>The tests of a full disk write to /dev/full, the Linux device on which every write fails.</summary>
    private static void RequireFullDevice() => Assert.True(File.Exists("/dev/full"), "This test writes to /dev/full, the Linux device on which every write fails.");

    /// <summary>The command failed with <paramref name="expectedExitCode"/>, said each of <paramref name="saying"/>, and printed no stack trace.</summary>
    private static void AssertFailedCleanly(int exitCode, string output, int expectedExitCode, params string[] saying)
    {
        Assert.True(exitCode == expectedExitCode, output);
        foreach (string text in saying)
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
