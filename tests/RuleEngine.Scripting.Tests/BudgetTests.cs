using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

/// <summary>
/// The run-time C-series: a script that loops, recurses, allocates or throws on a record gives NotEvaluated for that
/// record with a code — never "no clue" — and the next record is evaluated normally.
/// </summary>
public sealed class BudgetTests
{
    // Record 1 sets off the hostile path (months = 1); record 2 (months = 2) must still be evaluated and be a clue.
    private const string Rows = """
        （2024）京0105民初1号,民间借贷纠纷,11010519491231002X,张三,5000,,1,,2024-01-01,借条 利息,
        （2024）京0105民初2号,民间借贷纠纷,11010519491231002X,张三,5000,,2,,2024-01-01,借条,
        """;

    private static async Task<(List<Clue> Clues, RunSummary Summary)> RunAsync(string hostile, ScriptRuleCompiler? compiler = null)
    {
        RuleSet rules = Scripts.Build(null, $"if (r.Months == 1) {{ {hostile} }} return true;", compiler);
        return await Scripts.RunAsync(rules, Rows);
    }

    private static RecordRejection AssertNotEvaluatedOnFirstRecordOnly((List<Clue> Clues, RunSummary Summary) run, string code)
    {
        Assert.Equal(1, run.Summary.RuleErrors);
        RecordRejection error = Assert.Single(run.Summary.Rejections);
        Assert.Equal((code, 2L, "R1"), (error.Code, error.Line, error.RuleId));
        Clue clue = Assert.Single(run.Clues);
        Assert.Equal("（2024）京0105民初2号", clue.SubjectKey);
        return error;
    }

    [Fact]
    public async Task C26_an_endless_loop_spends_its_step_budget() =>
        AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("while (true) { }"), ScriptDiagnosticIds.StepBudgetExceeded);

    [Fact]
    public async Task C27_endless_recursion_is_stopped_at_the_call_depth_limit() =>
        AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("int F(int n) => F(n + 1) + 1; return F(0) > 0;"), ScriptDiagnosticIds.CallDepthExceeded);

    [Fact]
    public async Task Recursion_through_a_lambda_is_stopped_too() =>
        AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("Func<int, int> f = null!; f = n => f(n + 1); return f(0) > 0;"), ScriptDiagnosticIds.CallDepthExceeded);

    [Fact]
    public async Task C29_memory_doubling_in_a_loop_spends_the_allocation_budget() =>
        AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("var s = \"ab\"; while (s.Length > 0) { s = s + s; }"), ScriptDiagnosticIds.AllocationBudgetExceeded);

    [Fact]
    public async Task A_huge_array_is_refused_before_it_is_allocated() =>
        AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("var a = new long[int.MaxValue]; return a.Length > 0;"), ScriptDiagnosticIds.AllocationBudgetExceeded);

    [Fact]
    public async Task C33_a_catch_cannot_swallow_the_guard() =>
        AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("try { while (true) { } } catch { } return false;"), ScriptDiagnosticIds.StepBudgetExceeded);

    [Fact]
    public async Task A_catch_with_its_own_filter_cannot_swallow_the_guard() =>
        AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("try { while (true) { } } catch (Exception) when (true) { } return false;"), ScriptDiagnosticIds.StepBudgetExceeded);

    [Fact]
    public async Task C34_a_loop_in_finally_is_stopped() =>
        AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("try { return false; } finally { while (true) { } }"), ScriptDiagnosticIds.StepBudgetExceeded);

    [Fact]
    public async Task C46_arithmetic_is_checked() =>
        AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("int x = int.MaxValue + r.Months!.Value; return x < 0;"), RuleEngine.Diagnostics.DiagnosticIds.ArithmeticOverflow);

    [Fact]
    public async Task C48_a_thrown_exception_is_reported_by_code_and_line_never_by_its_message()
    {
        RecordRejection error = AssertNotEvaluatedOnFirstRecordOnly(await RunAsync("throw new Exception(r.PlaintiffId + r.PlaintiffName);"), ScriptDiagnosticIds.ScriptFaulted);

        Assert.DoesNotContain("110105", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", error.Message, StringComparison.Ordinal);
        Assert.Contains("threw Exception", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains("(1,", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task A_null_field_read_as_a_value_is_NotEvaluated_not_false()
    {
        RuleSet rules = Scripts.Build(null, "return r.Bac!.Value > 0.8;");

        (List<Clue> clues, RunSummary summary) = await Scripts.RunAsync(rules, Rows);

        Assert.Empty(clues);
        Assert.Equal(2, summary.RuleErrors);
        Assert.All(summary.Rejections, e => Assert.Equal(ScriptDiagnosticIds.ScriptFaulted, e.Code));
    }

    [Fact]
    public async Task C31_a_catastrophic_pattern_runs_in_linear_time_through_the_helper()
    {
        RuleSet rules = Scripts.Build(null, "return !Text.Matches(\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\", \"^(a+)+$\");");

        (List<Clue> clues, RunSummary summary) = await Scripts.RunAsync(rules, Rows);

        Assert.Equal(2, clues.Count);
        Assert.Equal(0, summary.RuleErrors);
    }

    [Theory]
    [InlineData("var s = \"ab\";\n  while (true) { s += s; }", ScriptDiagnosticIds.AllocationBudgetExceeded, " at <expression>(2,")]
    [InlineData("var s = \"a\";\n  s = s.Replace(\"a\", \"aaaaaaaaaa\"); s = s.Replace(\"a\", \"aaaaaaaaaa\"); s = s.Replace(\"a\", \"aaaaaaaaaa\"); s = s.Replace(\"a\", \"aaaaaaaaaa\"); s = s.Replace(\"a\", \"aaaaaaaaaa\"); s = s.Replace(\"a\", \"aaaaaaaaaa\"); s = s.Replace(\"a\", \"aaaaaaaaaa\"); s = s.Replace(\"a\", \"aaaaaaaaaa\"); s = s.Replace(\"a\", \"aaaaaaaaaa\");", ScriptDiagnosticIds.AllocationBudgetExceeded, " at <expression>(2,")]
    [InlineData("int x = 1;\n  x = int.MaxValue + r.Months!.Value;", RuleEngine.Diagnostics.DiagnosticIds.ArithmeticOverflow, " in its script (which starts at <expression>(1,")]
    public async Task A_fault_says_where_in_the_script_it_happened(string hostile, string code, string where)
    {
        RecordRejection error = AssertNotEvaluatedOnFirstRecordOnly(await RunAsync(hostile), code);

        Assert.Contains(where, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_budget_of_the_host_s_choosing_applies()
    {
        var strict = new ScriptRuleCompiler(new ScriptLimits { MaxSteps = 50 });
        (List<Clue> clues, RunSummary summary) = await RunAsync("for (int i = 0; i < 100; i++) { }", strict);

        AssertNotEvaluatedOnFirstRecordOnly((clues, summary), ScriptDiagnosticIds.StepBudgetExceeded);
        (clues, summary) = await RunAsync("for (int i = 0; i < 40; i++) { }", strict);
        Assert.Equal((2, 0L), (clues.Count, summary.RuleErrors));
    }

    [Fact]
    public async Task A_rule_that_fails_on_most_records_is_quarantined_while_the_others_go_on()
    {
        RuleSet rules = new RuleSetBuilder()
            .AddDataset(Scripts.Judgments)
            .UseScriptCompiler(Scripts.Compiler)
            .AddRule(new RuleDefinition("Broken", "judgments", string.Empty) { Script = "return r.Bac!.Value > 0.8;" })
            .AddRule(new RuleDefinition("Sound", "judgments", "amount > 100"))
            .Build();
        string rows = string.Concat(Enumerable.Range(1, 300).Select(i => $"（2024）京0105民初{i}号,民间借贷纠纷,,,5000,,,,2024-01-01,,\n"));

        (List<Clue> clues, RunSummary summary) = await Scripts.RunAsync(rules, rows, new RunOptions { QuarantineAfterErrors = 100, MaxDegreeOfParallelism = 3, BatchSize = 7 });

        Assert.Equal(300, clues.Count(c => c.RuleId == "Sound"));
        RuleQuarantine quarantine = Assert.Single(summary.QuarantinedRules);
        Assert.Equal(("Broken", "judgments", 101L, 100L, 100L), (quarantine.RuleId, quarantine.Dataset, quarantine.Line, quarantine.Errors, quarantine.RecordsRead));
        Assert.Equal(100, summary.RuleErrors);
    }
}
