namespace RuleRunner.Tests;

/// <summary>
/// The S-series: a checkpointed run killed at several points — before the clues of a batch are flushed, after the
/// flush, while the checkpoint is written — and resumed, gives a clue file byte-identical to a run that was never
/// interrupted: no clue lost, none duplicated. A changed input is refused on resume. The sample models without the
/// multi-stage one resume mid-source; a staged model set starts again from its beginning, and its file is identical too.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rulerunner-checkpoint-").FullName;
    private readonly string _models;

    public CheckpointTests()
    {
        _models = Runner.SampleModelsWithoutStages(Path.Combine(_folder, "samples"));
        (int exitCode, string output) = Runner.RuleRunner("gen", "--models", _models, "--out", Data, "--records", "3000", "--seed", "5");
        Assert.True(exitCode == 0, output);
    }

    private string Data => Path.Combine(_folder, "data");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (int ExitCode, string Output) Run(string output, string format, string? crash = null, bool resume = false)
    {
        string[] arguments = ["run", "--models", _models, "--data-dir", Data, "--out", output, "--format", format, "--progress", "off", "--checkpoint", Path.Combine(_folder, "checkpoint.json"), "--checkpoint-every", "0", .. resume ? new[] { "--resume" } : []];
        return Runner.RuleRunnerWith(crash is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["RULERUNNER_TEST_CRASH"] = crash }, arguments);
    }

    [Theory]
    [InlineData("jsonl", "before-flush:2")]
    [InlineData("jsonl", "after-flush:9")]
    [InlineData("jsonl", "during-checkpoint:25")]
    [InlineData("jsonl", "after-flush:45")]
    [InlineData("csv", "before-flush:30")]
    [InlineData("csv", "during-checkpoint:47")]
    public void A_run_killed_and_resumed_writes_the_same_clue_file_as_an_uninterrupted_run(string format, string crash)
    {
        string expected = Path.Combine(_folder, "expected." + format);
        string resumed = Path.Combine(_folder, "resumed." + format);
        (int full, string fullOutput) = Runner.RuleRunner("run", "--models", _models, "--data-dir", Data, "--out", expected, "--format", format, "--progress", "off");
        Assert.True(full == 0, fullOutput);

        (int killed, string killedOutput) = Run(resumed, format, crash);
        Assert.True(killed != 0 && killedOutput.Contains("RULERUNNER_TEST_CRASH", StringComparison.Ordinal), killedOutput);
        (int finished, string finishedOutput) = Run(resumed, format, resume: true);

        Assert.True(finished == 0, finishedOutput);
        Assert.Contains("Resuming from the checkpoint", finishedOutput, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(resumed));
        Assert.False(File.Exists(Path.Combine(_folder, "checkpoint.json")));
    }

    [Fact]
    public async Task A_run_cancelled_by_a_signal_stops_cleanly_and_resumes_to_the_same_clue_file()
    {
        string expected = Path.Combine(_folder, "expected.jsonl");
        string resumed = Path.Combine(_folder, "resumed.jsonl");
        string checkpoint = Path.Combine(_folder, "checkpoint.json");
        (int full, string fullOutput) = Runner.RuleRunner("run", "--models", _models, "--data-dir", Data, "--out", expected, "--progress", "off");
        Assert.True(full == 0, fullOutput);

        // The run holds at its first checkpoint until the signal comes, so the signal cannot come after the end.
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, Environment = { ["RULERUNNER_TEST_CRASH"] = "hold-after-checkpoint:1" } };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"), "run", "--models", _models, "--data-dir", Data, "--out", resumed, "--progress", "off", "--checkpoint", checkpoint, "--checkpoint-every", "0", "--parallelism", "1" })
        {
            start.ArgumentList.Add(argument);
        }

        using var run = System.Diagnostics.Process.Start(start)!;
        Task<string> error = run.StandardError.ReadToEndAsync();
        Task<string> output = run.StandardOutput.ReadToEndAsync();
        using var waiting = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!File.Exists(checkpoint) && !run.HasExited)
        {
            await Task.Delay(10, waiting.Token);
        }

        // SIGTERM, which a scheduler sends and the runner treats as Ctrl+C: a SIGINT would be ignored when the tests
        // run as a background job, which inherits SIGINT ignored (and .NET keeps it so).
        Runner.Run("/bin/sh", ["-c", "kill -TERM " + run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            await run.WaitForExitAsync(waiting.Token);
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill(entireProcessTree: true);
            }
        }

        string said = await output + await error;

        // The signal comes at the first checkpoint: the run stops with the resumable code.
        Assert.True(run.ExitCode == 130, $"exit {run.ExitCode}: {said}");
        Assert.Contains("The run was cancelled. Finish it with --resume.", said, StringComparison.Ordinal);
        (int finished, string finishedOutput) = Run(resumed, "jsonl", resume: true);
        Assert.True(finished == 0, finishedOutput);
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(resumed));
    }

    [Theory]
    [InlineData("jsonl", "after-flush:12")]
    [InlineData("csv", "during-checkpoint:30")]
    public void A_staged_model_set_killed_and_resumed_starts_again_and_writes_the_same_clue_file(string format, string crash)
    {
        string data = Path.Combine(_folder, "staged-data");
        (int generated, string generatedOutput) = Runner.RuleRunner("gen", "--models", Runner.SampleModels, "--out", data, "--records", "2000", "--seed", "6");
        Assert.True(generated == 0, generatedOutput);
        string expected = Path.Combine(_folder, "expected." + format);
        string resumed = Path.Combine(_folder, "resumed." + format);
        string checkpoint = Path.Combine(_folder, "staged-checkpoint.json");
        string[] Run(string output, params string[] more) =>
            ["run", "--models", Runner.SampleModels, "--data-dir", data, "--out", output, "--format", format, "--progress", "off", "--checkpoint", checkpoint, "--checkpoint-every", "0", .. more];
        (int full, string fullOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", data, "--out", expected, "--format", format, "--progress", "off");
        Assert.True(full == 0, fullOutput);

        (int killed, string killedOutput) = Runner.RuleRunnerWith(new Dictionary<string, string> { ["RULERUNNER_TEST_CRASH"] = crash }, Run(resumed));
        Assert.True(killed != 0 && killedOutput.Contains("RULERUNNER_TEST_CRASH", StringComparison.Ordinal), killedOutput);
        (int finished, string finishedOutput) = Runner.RuleRunner(Run(resumed, "--resume"));

        Assert.True(finished == 0, finishedOutput);
        Assert.Contains("after 0 record(s)", finishedOutput, StringComparison.Ordinal);
        Assert.Contains("M20.R1", File.ReadAllText(expected), StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(resumed));
    }

    [Fact]
    public void A_changed_input_is_refused_on_resume()
    {
        string clues = Path.Combine(_folder, "clues.jsonl");
        (int killed, _) = Run(clues, "jsonl", "after-flush:9");
        Assert.NotEqual(0, killed);
        File.AppendAllText(Path.Combine(Data, "dui_cases.csv"), "110105199001011234,某,（2024）京0105刑初9号,醉酒驾驶,100,否,有罪判决,2024-01-01,正常,\n");

        (int exitCode, string output) = Run(clues, "jsonl", resume: true);

        Assert.Equal(1, exitCode);
        Assert.Contains("changed since the checkpoint", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_left_by_an_earlier_run_is_not_overwritten_without_resume()
    {
        string clues = Path.Combine(_folder, "clues.jsonl");
        (int killed, _) = Run(clues, "jsonl", "after-flush:3");
        Assert.NotEqual(0, killed);

        (int exitCode, string output) = Run(clues, "jsonl");

        Assert.Equal(2, exitCode);
        Assert.Contains("add --resume", output, StringComparison.Ordinal);
    }
}
