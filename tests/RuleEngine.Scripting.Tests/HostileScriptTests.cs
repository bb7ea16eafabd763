using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

/// <summary>
/// Scripts that pass the gate and try to take the host down — a guard fault inside <c>finally</c> or <c>catch</c>,
/// straight-line code that allocates gigabytes without a loop — run in both tiers. Each must give a coded RE63xx
/// for the record that set it off, leave the host alive (this test process) and the next record evaluated.
/// </summary>
public sealed class HostileScriptTests
{
    // Record 1 sets off the hostile path (months = 1); record 2 (months = 2) must still be evaluated and be a clue.
    private const string Rows = """
        （2024）京0105民初1号,民间借贷纠纷,11010519491231002X,张三,5000,,1,,2024-01-01,借条 利息,
        （2024）京0105民初2号,民间借贷纠纷,11010519491231002X,张三,5000,,2,,2024-01-01,借条,
        """;

    public static TheoryData<string, string, bool> Scripts_() => new()
    {
        // The outside tester's: a guard fault in a finally that cannot end while another exception unwinds (SIGSEGV before).
        { "try { throw new Exception(\"x\"); } finally { while (true) { } }", ScriptDiagnosticIds.StepBudgetExceeded, false },
        { "try { throw new Exception(\"x\"); } finally { while (true) { } }", ScriptDiagnosticIds.StepBudgetExceeded, true },
        { "try { try { throw new Exception(\"x\"); } finally { while (true) { } } } finally { while (true) { } }", ScriptDiagnosticIds.StepBudgetExceeded, false },
        { "try { throw new Exception(\"x\"); } catch { while (true) { } }", ScriptDiagnosticIds.StepBudgetExceeded, false },
        { "int F(int n) { try { return F(n + 1); } finally { F(n + 1); } } F(0);", ScriptDiagnosticIds.CallDepthExceeded, false },
        { "int F(int n) { try { return F(n + 1); } finally { F(n + 1); } } F(0);", ScriptDiagnosticIds.CallDepthExceeded, true },

        // Straight-line allocation: nine chained Replace calls reach 10^9 characters; 34 doublings 2^34.
        { string.Concat(Enumerable.Repeat("s = s.Replace(\"a\", \"aaaaaaaaaa\"); ", 9)), ScriptDiagnosticIds.AllocationBudgetExceeded, false },
        { string.Concat(Enumerable.Repeat("s = s.Replace(\"a\", \"aaaaaaaaaa\"); ", 9)), ScriptDiagnosticIds.AllocationBudgetExceeded, true },
        { string.Concat(Enumerable.Repeat("s = s + s; ", 34)), ScriptDiagnosticIds.AllocationBudgetExceeded, false },
        { string.Concat(Enumerable.Repeat("s += s; ", 34)), ScriptDiagnosticIds.AllocationBudgetExceeded, false },
        { string.Concat(Enumerable.Repeat("s = string.Concat(s, s, s, s); ", 20)), ScriptDiagnosticIds.AllocationBudgetExceeded, false },
        { string.Concat(Enumerable.Repeat("s = string.Join(s, new List<string> { s, s, s });", 20)), ScriptDiagnosticIds.AllocationBudgetExceeded, true },
        { "var l = new List<string> { s, s }; " + string.Concat(Enumerable.Repeat("l = new List<string>(l.Select(x => x + x)); ", 40)), ScriptDiagnosticIds.AllocationBudgetExceeded, false },
        { string.Concat(Enumerable.Repeat("s = $\"{s}{s}\"; ", 34)), ScriptDiagnosticIds.AllocationBudgetExceeded, false },
    };

    [Theory]
    [MemberData(nameof(Scripts_))]
    public async Task A_hostile_script_gives_a_coded_error_for_its_record_and_the_host_goes_on(string hostile, string code, bool untrusted)
    {
        ScriptRuleCompiler compiler = untrusted
            ? new ScriptRuleCompiler(new ScriptLimits(), ScriptTrust.Untrusted, new ScriptWorkerOptions { BatchTimeout = TimeSpan.FromSeconds(60) })
            : Scripts.Compiler;
        RuleSet rules = Scripts.Build(null, $"if (r.Months == 1) {{ string s = \"a\"; {hostile} return s.Length > 0; }} return true;", compiler);

        (List<Clue> clues, RunSummary summary) = await Scripts.RunAsync(rules, Rows, new RunOptions { BatchSize = 1, MaxDegreeOfParallelism = 1 });

        RecordRejection error = Assert.Single(summary.Rejections);
        Assert.Equal((code, 2L, "R1"), (error.Code, error.Line, error.RuleId));
        Assert.Equal("（2024）京0105民初2号", Assert.Single(clues).SubjectKey);
        Assert.True(Environment.WorkingSet < 8L * 1024 * 1024 * 1024, $"the host grew to {Environment.WorkingSet} bytes");
    }
}
