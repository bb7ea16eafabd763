using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

/// <summary>
/// An interactive C# session (what <c>rulerunner repl</c> runs C# with): submissions keep the state of those before,
/// pass the gate of script rules, run under their budgets, and answer as a script rule does.
/// </summary>
public sealed class ScriptSessionTests
{
    private const string OneRow = "（2024）京0105民初1号,民间借贷纠纷,110105199003078860,张三,60000,0.5,3,false,2024-03-01,借条,甲|乙\n";

    public static TheoryData<string> Scripts => [.. EquivalenceTests.Pairs.Select(pair => (string)pair[1])];

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task A_submission_flags_the_same_records_as_the_same_script_written_as_a_rule(string script)
    {
        var session = new ScriptSession(Support.Scripts.Judgments, new Dictionary<string, object?>());
        RuleSet rules = new RuleSetBuilder()
            .AddDataset(Support.Scripts.Judgments)
            .UseScriptCompiler(session)
            .AddRule(new RuleDefinition("Submission", "judgments", string.Empty) { Script = script })
            .Build();
        string rows = EquivalenceTests.Rows(seed: 11, count: 2000);

        (List<Clue> bySession, RunSummary summary) = await Support.Scripts.RunAsync(rules, rows, new RunOptions { MaxDegreeOfParallelism = 1 });
        (List<Clue> byRule, _) = await Support.Scripts.RunAsync(Support.Scripts.Build(null, script), rows);

        ScriptSubmission submission = session.LastCompiled!;
        Assert.Equal(0, summary.RuleErrors);
        Assert.NotEmpty(byRule);
        Assert.Equal(byRule.Select(c => c.SubjectKey), bySession.Select(c => c.SubjectKey));
        Assert.Equal(byRule.Count, submission.TrueCount);
        Assert.Equal(2000, submission.TrueCount + submission.FalseCount + submission.UnknownCount);
        Assert.True(submission.IsCondition);
    }

    [Fact]
    public async Task A_variable_and_a_method_a_committed_submission_declares_are_there_for_the_next()
    {
        var session = new ScriptSession(Support.Scripts.Judgments, new Dictionary<string, object?>());
        ScriptSubmission declarations = await EvaluateAsync(session, "var limit = 50000m;\nbool Large(decimal? amount) => amount >= limit;", OneRow);
        session.Commit(declarations);

        ScriptSubmission test = await EvaluateAsync(session, "Large(r.Amount) && limit == 50000m", OneRow);

        Assert.Equal(true, test.LastValue);
        Assert.Equal("bool", test.ValueType);
    }

    [Fact]
    public async Task What_an_uncommitted_submission_declares_is_not_kept()
    {
        var session = new ScriptSession(Support.Scripts.Judgments, new Dictionary<string, object?>());
        await EvaluateAsync(session, "var limit = 1m;", OneRow);

        var diagnostics = new List<Diagnostic>();
        Assert.Null(session.Compile(new ScriptConditionRequest("R", "r.Amount > limit", Support.Scripts.Judgments), diagnostics));
        Assert.Contains(diagnostics, d => d.Id == "CS0103");
    }

    [Fact]
    public async Task A_submission_has_its_value_type_and_value_and_reads_the_parameters()
    {
        var session = new ScriptSession(Support.Scripts.Judgments, new Dictionary<string, object?> { ["large_claim"] = 50000m });

        ScriptSubmission submission = await EvaluateAsync(session, "r.Amount - p.LargeClaim", OneRow);

        Assert.Equal("decimal?", submission.ValueType);
        Assert.Equal(10000m, submission.LastValue);
        Assert.False(submission.IsCondition);
        Assert.Equal(1, submission.OtherCount);
        Assert.Contains("LargeClaim", session.ParameterProperties);
        Assert.Contains("FilingDate", session.RecordProperties);
    }

    [Theory]
    [InlineData("System.IO.File.Exists(\"/etc/passwd\")", ScriptDiagnosticIds.SymbolNotAllowed)]
    [InlineData("#r \"System.Net.Http.dll\"\ntrue", ScriptDiagnosticIds.DirectiveNotAllowed)]
    [InlineData("class Evil { static Evil() { } }", ScriptDiagnosticIds.DeclarationNotAllowed)]
    [InlineData("static int counter = 0;", ScriptDiagnosticIds.StaticStateNotAllowed)]
    [InlineData("Environment.Exit(1)", ScriptDiagnosticIds.SymbolNotAllowed)]
    [InlineData("Record != null", ScriptDiagnosticIds.SymbolNotAllowed)]
    [InlineData("__reGuard.Step()", ScriptDiagnosticIds.ReservedName)]
    [InlineData("unsafe { int* x = null; }", ScriptDiagnosticIds.UnsafeCodeNotAllowed)]
    public void A_submission_passes_the_gate_of_script_rules(string code, string expected)
    {
        var session = new ScriptSession(Support.Scripts.Judgments, new Dictionary<string, object?>());
        var diagnostics = new List<Diagnostic>();

        Assert.Null(session.Compile(new ScriptConditionRequest("R", code, Support.Scripts.Judgments), diagnostics));
        Assert.Contains(diagnostics, d => d.Id == expected && d.IsError);
    }

    [Fact]
    public void A_misspelt_field_is_reported_at_its_column_with_the_nearest_property()
    {
        var session = new ScriptSession(Support.Scripts.Judgments, new Dictionary<string, object?>());
        var diagnostics = new List<Diagnostic>();

        session.Compile(new ScriptConditionRequest("R", "r.Amout > 1000m", Support.Scripts.Judgments) { Source = SourceMap.StartingAt(SourceLocation.At(null, 1, 1)) }, diagnostics);

        Diagnostic error = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal("CS1061", error.Id);
        Assert.Equal(3, error.Location.Column);
        Assert.Equal("Did you mean 'r.Amount'?", error.Hint);
    }

    [Fact]
    public void A_submission_is_compiled_within_the_script_rules_time_limit()
    {
        // No time at all: the compiler cannot have finished when the limit is looked at.
        var session = new ScriptSession(Support.Scripts.Judgments, new Dictionary<string, object?>(), new ScriptLimits { CompileTimeout = TimeSpan.Zero });
        var diagnostics = new List<Diagnostic>();

        Assert.Null(session.Compile(new ScriptConditionRequest("R", "r.Amount > 1000m", Support.Scripts.Judgments), diagnostics));
        Assert.Contains(diagnostics, d => d.Id == ScriptDiagnosticIds.CompileTimeout && d.IsError);
    }

    [Theory]
    [InlineData("var i = 0; while (true) { i++; }", ScriptDiagnosticIds.StepBudgetExceeded)]
    [InlineData("int Down(int n) => Down(n + 1);\nDown(0) > 0", ScriptDiagnosticIds.CallDepthExceeded)]
    public async Task A_submission_that_runs_away_is_stopped_by_the_budgets_and_counted_as_an_error(string code, string expected)
    {
        var session = new ScriptSession(Support.Scripts.Judgments, new Dictionary<string, object?>(), new ScriptLimits { MaxSteps = 10_000 });
        RuleSet rules = new RuleSetBuilder().AddDataset(Support.Scripts.Judgments).UseScriptCompiler(session)
            .AddRule(new RuleDefinition("Submission", "judgments", string.Empty) { Script = code }).Build();

        RunSummary summary = await rules.RunAsync(Rows(OneRow), new Collecting(), new RunOptions { MaxDegreeOfParallelism = 1 });

        Assert.Equal(1, summary.RuleErrors);
        Assert.Contains(summary.Rejections, e => e.Code == expected);
    }

    private static RecordSource Rows(string rows) =>
        RecordSource.Csv(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Support.Scripts.Header + "\n" + rows)), Support.Scripts.Judgments);

    /// <summary>Evaluates a submission on the records of <paramref name="rows"/> (as the evaluator does on its current record).</summary>
    private static async Task<ScriptSubmission> EvaluateAsync(ScriptSession session, string code, string rows)
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Support.Scripts.Judgments).UseScriptCompiler(session)
            .AddRule(new RuleDefinition("Submission", "judgments", string.Empty) { Script = code }).Build();
        RunSummary summary = await rules.RunAsync(Rows(rows), new Collecting(), new RunOptions { MaxDegreeOfParallelism = 1 });
        Assert.Equal(0, summary.RuleErrors);
        return session.LastCompiled!;
    }

    private sealed class Collecting : IClueSink
    {
        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
