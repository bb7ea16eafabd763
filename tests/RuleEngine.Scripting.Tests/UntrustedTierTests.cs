using RuleEngine.Clues;
using RuleEngine.Scripting.Isolation;
using RuleEngine.Records;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

/// <summary>
/// The untrusted tier: each script runs in a worker process of its own. It gives the same clues as the in-process
/// tier, reports the same faults, and when the worker crashes or hangs, the host kills it, reports that batch as
/// NotEvaluated and goes on with a new worker.
/// </summary>
public sealed class UntrustedTierTests
{
    private const string Rows = """
        （2024）京0105民初1号,民间借贷纠纷,11010519491231002X,张三,5000,,1,,2024-01-01,借条,
        （2024）京0105民初2号,民间借贷纠纷,11010519491231002X,张三,5000,,2,,2024-01-01,借条,
        （2024）京0105民初3号,民间借贷纠纷,11010519491231002X,张三,5000,,3,,2024-01-01,借条,
        """;

    private static readonly RunOptions OneRecordPerBatch = new() { BatchSize = 1, MaxDegreeOfParallelism = 1 };

    private static ScriptRuleCompiler Untrusted(ScriptLimits? limits = null, TimeSpan? timeout = null) =>
        new(limits ?? new ScriptLimits(), ScriptTrust.Untrusted, new ScriptWorkerOptions { BatchTimeout = timeout ?? TimeSpan.FromSeconds(60) });

    [Fact]
    public async Task An_untrusted_script_finds_the_same_clues_as_a_trusted_one()
    {
        const string script = "r.Amount >= 50000m && r.Cause == \"民间借贷纠纷\" || Text.Contains(r.Facts, \"醉酒\") && r.Months > 6";
        string rows = EquivalenceTests.Rows(seed: 3, count: 3000);

        (List<Clue> trusted, _) = await Scripts.RunAsync(Scripts.Build(null, script), rows);
        (List<Clue> untrusted, RunSummary summary) = await Scripts.RunAsync(Scripts.Build(null, script, Untrusted()), rows, new RunOptions { MaxDegreeOfParallelism = 2, BatchSize = 256 });

        Assert.NotEmpty(trusted);
        Assert.Equal(0, summary.RuleErrors);
        Assert.Equal(trusted.Select(c => (c.SubjectKey, c.Fingerprint)), untrusted.Select(c => (c.SubjectKey, c.Fingerprint)));
    }

    [Fact]
    public async Task The_condition_runs_in_the_host_and_only_its_matches_go_to_the_worker()
    {
        RuleSet rules = Scripts.Build("months >= 2", "r.Months < 3", Untrusted());

        (List<Clue> clues, RunSummary summary) = await Scripts.RunAsync(rules, Rows);

        Assert.Equal(["（2024）京0105民初2号"], clues.Select(c => c.SubjectKey));
        Assert.Equal(0, summary.RuleErrors);
    }

    [Fact]
    public async Task Faults_in_the_worker_come_back_with_their_code_and_line_and_no_record_values()
    {
        RuleSet rules = Scripts.Build(null, "if (r.Months == 1) { while (true) { } }\nif (r.Months == 2) { throw new Exception(r.PlaintiffId); }\nreturn true;", Untrusted());

        (List<Clue> clues, RunSummary summary) = await Scripts.RunAsync(rules, Rows);

        Assert.Equal(["（2024）京0105民初3号"], clues.Select(c => c.SubjectKey));
        Assert.Equal([ScriptDiagnosticIds.StepBudgetExceeded, ScriptDiagnosticIds.ScriptFaulted], summary.Rejections.Select(r => r.Code));
        Assert.Contains("threw Exception at <expression>(2,", summary.Rejections[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("110105", summary.Rejections[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_killed_by_a_stack_overflow_is_replaced_and_only_its_batch_is_NotEvaluated()
    {
        // With no call-depth budget, the recursion overflows the worker's stack: that kills the worker process, not this one.
        ScriptRuleCompiler compiler = Untrusted(new ScriptLimits { MaxCallDepth = int.MaxValue, MaxSteps = long.MaxValue });
        RuleSet rules = Scripts.Build(null, "int F(int n) => F(n + 1) + 1;\nreturn r.Months != 2 || F(0) > 0;", compiler);

        (List<Clue> clues, RunSummary summary) = await Scripts.RunAsync(rules, Rows, OneRecordPerBatch);

        Assert.Equal(["（2024）京0105民初1号", "（2024）京0105民初3号"], clues.Select(c => c.SubjectKey));
        RecordRejection failure = Assert.Single(summary.Rejections);
        Assert.Equal((ScriptDiagnosticIds.WorkerFailed, 3L), (failure.Code, failure.Line));
        Assert.Contains("ended with exit code", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_that_overruns_its_time_limit_is_killed_and_replaced()
    {
        ScriptRuleCompiler compiler = Untrusted(new ScriptLimits { MaxSteps = long.MaxValue }, timeout: TimeSpan.FromSeconds(3));
        RuleSet rules = Scripts.Build(null, "while (r.Months == 1) { }\nreturn true;", compiler);

        (List<Clue> clues, RunSummary summary) = await Scripts.RunAsync(rules, Rows, OneRecordPerBatch);

        Assert.Equal(["（2024）京0105民初2号", "（2024）京0105民初3号"], clues.Select(c => c.SubjectKey));
        RecordRejection failure = Assert.Single(summary.Rejections);
        Assert.Equal((ScriptDiagnosticIds.WorkerFailed, 2L), (failure.Code, failure.Line));
        Assert.Contains("did not answer within 3 seconds", failure.Message, StringComparison.Ordinal);
    }
}

/// <summary>What the worker process of an untrusted script can reach: not the host's environment, and no network where the platform allows.</summary>
public sealed class WorkerProcessTests
{
    [Fact]
    public async Task The_worker_has_neither_the_host_s_environment_nor_its_network()
    {
        // Read from /proc: Linux only, as CI is.
        Assert.True(OperatingSystem.IsLinux());
        Environment.SetEnvironmentVariable("RULEENGINE_TEST_SECRET", "connection-string-of-the-host");
        var compiler = new ScriptRuleCompiler(new ScriptLimits(), ScriptTrust.Untrusted);
        RuleSet rules = Scripts.Build(null, "r.Amount > 1m", compiler);
        await Scripts.RunAsync(rules, "A1,x,,,5,,,,,,\n");
        var script = (WorkerScriptCondition)rules.Compiled("judgments").Rules[0].Script!;
        int pid = script.Worker.ProcessId ?? throw new InvalidOperationException("No worker runs.");

        string environment = await File.ReadAllTextAsync($"/proc/{pid}/environ");
        Assert.DoesNotContain("RULEENGINE_TEST_SECRET", environment, StringComparison.Ordinal);
        Assert.Contains("DOTNET_GCHeapHardLimit=0x20000000", environment, StringComparison.Ordinal);

        bool separateNetwork = new FileInfo($"/proc/{pid}/ns/net").LinkTarget != new FileInfo("/proc/self/ns/net").LinkTarget;
        Assert.Equal(ScriptWorkerClient.NetworkNamespacesAvailable, separateNetwork);
        GC.KeepAlive(rules);
    }
}
