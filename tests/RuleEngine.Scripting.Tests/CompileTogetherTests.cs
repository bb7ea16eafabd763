using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Loading;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

/// <summary>
/// The scripts of a rule set are checked in one compilation and emitted together: each keeps its own errors, places
/// and answers, none reaches another's generated code, and a set too slow to compile falls back to one by one.
/// </summary>
public sealed class CompileTogetherTests
{
    private const string Rows = """
        (2024)京0105民初1号,民间借贷纠纷,110101199003074514,张三,50,0.0,0,false,2024-01-02,x,
        (2024)京0105民初2号,民间借贷纠纷,110101199003074514,张三,150,0.0,0,false,2024-01-02,x,
        (2024)京0105民初3号,民间借贷纠纷,110101199003074514,张三,250,0.0,0,false,2024-01-02,x,
        """;

    [Fact]
    public void Each_script_of_a_set_keeps_its_own_errors_at_its_own_line_and_the_others_compile()
    {
        string broken = "r.Amount > 1m &&\n  r.Amont > 2m";
        var compiler = new ScriptRuleCompiler();

        IReadOnlyList<Diagnostic> errors = Errors(() => Build(compiler, "r.Amount > 1m", broken, "r.Amount > 3m", broken));

        Assert.Equal(["R1", "R3"], errors.Select(d => d.RuleId).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal(("CS1061", 2, 5), (e.Id, e.Location.Line, e.Location.Column)));
        Assert.All(errors, e => Assert.Contains("r.Amount", e.Hint, StringComparison.Ordinal));
    }

    [Fact]
    public void A_script_cannot_reach_the_record_view_of_another_schema_compiled_beside_it()
    {
        DatasetSchema other = DatasetSchema.Create("penalties").Add("penalty_no", FieldType.String).Add("amount", FieldType.Int).Key("penalty_no").Build();
        string otherView = RecordViewSource.For(other).Namespace;

        // Nothing cached: both scripts are checked in the same compilation, where the other view exists.
        CompiledScriptCache.Clear();
        IReadOnlyList<Diagnostic> errors = Errors(() => new RuleSetBuilder()
            .AddDataset(Scripts.Judgments)
            .AddDataset(other)
            .UseScriptCompiler(new ScriptRuleCompiler())
            .AddRule(new RuleDefinition("Other", "penalties", string.Empty) { Script = "r.Amount > 100" })
            .AddRule(new RuleDefinition("Thief", "judgments", string.Empty) { Script = $"global::{otherView}.RecordView? v = null; return v is null;" })
            .Build());

        Diagnostic refusal = Assert.Single(errors);
        Assert.Equal((ScriptDiagnosticIds.ReservedName, "Thief"), (refusal.Id, refusal.RuleId));
    }

    [Fact]
    public async Task A_large_set_is_emitted_on_every_core_into_one_collectible_context_and_each_script_answers_as_its_condition()
    {
        const int count = 200;
        string[] scripts = [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"r.Amount > {i}m"))];
        RuleSet byScript = Build(new ScriptRuleCompiler(), scripts);
        RuleSet byCondition = new RuleSetBuilder()
            .AddDataset(Scripts.Judgments)
            .AddRules(Enumerable.Range(0, count).Select(i => new RuleDefinition("R" + i.ToString(CultureInfo.InvariantCulture), "judgments", string.Create(CultureInfo.InvariantCulture, $"amount > {i}"))))
            .Build();
        Assert.DoesNotContain(byScript.Diagnostics, d => d.IsError);

        (List<Clue> fromScripts, _) = await Scripts.RunAsync(byScript, Rows);
        (List<Clue> fromConditions, _) = await Scripts.RunAsync(byCondition, Rows);

        Assert.Equal(Matches(fromConditions), Matches(fromScripts));
        Assert.Equal(200 + 150 + 50, fromScripts.Count);
        Assembly[] assemblies = [.. byScript.Compiled("judgments").Rules.Select(r => ((CompiledScriptCondition)r.Script!).Assembly!).Distinct()];
        Assert.Equal(Math.Clamp(count / 64, 1, Environment.ProcessorCount), assemblies.Length);
        AssemblyLoadContext context = Assert.Single(assemblies.Select(AssemblyLoadContext.GetLoadContext).Distinct())!;
        Assert.True(context.IsCollectible);
    }

    [Theory]
    [InlineData("return true; } static ScriptRule() { } static bool F() { return true;")]
    [InlineData("return true; } } public static class Text { public static bool Matches(string? a, string b) => true; } public static class G { static bool F() { return true;")]
    [InlineData("return true; }\n} }\nnamespace N { class K { ~K() { } } static class L { static bool F() {\nreturn true;")]
    public void A_script_that_closes_the_method_it_becomes_to_declare_code_beside_it_is_refused(string script)
    {
        IReadOnlyList<Diagnostic> errors = Errors(() => Build(new ScriptRuleCompiler(), "Text.Matches(r.Facts, \"借\")", script));

        // Refused at the author's own text: as a declaration where the shape check sees one, else as the brace the
        // script does not match (the first case passed the gate before: a static constructor beside Run).
        Assert.Equal(["R1"], errors.Select(e => e.RuleId).Distinct());
        Assert.All(errors, e => Assert.True(e.Location.IsKnown, e.ToString()));
    }

    [Fact]
    public void When_a_set_does_not_compile_in_time_each_script_is_compiled_alone_and_fails_alone()
    {
        var impatient = new ScriptRuleCompiler(new ScriptLimits { CompileTimeout = TimeSpan.FromTicks(1) });

        IReadOnlyList<Diagnostic> errors = Errors(() => Build(impatient, "r.Amount > 1m", "r.Amount > 2m", "r.Amount > 3m"));

        Assert.Equal(["R0", "R1", "R2"], errors.Where(d => d.Id == ScriptDiagnosticIds.CompileTimeout).Select(d => d.RuleId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_compiler_that_compiles_one_script_at_a_time_gets_each_script_once_and_its_errors_are_named_after_their_rules()
    {
        var oneAtATime = new OneAtATime();

        IReadOnlyList<Diagnostic> errors = Errors(() => Build(oneAtATime, "r.Amount > 1m", "r.Amont > 1m", "r.Amount > 3m", "r.Amont > 2m"));

        Assert.Equal(["R1", "R3"], errors.Select(d => d.RuleId).Order(StringComparer.Ordinal));
        Assert.Equal(4, oneAtATime.Calls);
    }

    private static IReadOnlyList<Diagnostic> Errors(Func<RuleSet> build) =>
        [.. Assert.Throws<RuleCompilationException>(build).Diagnostics.Where(d => d.IsError)];

    private static IEnumerable<string> Matches(List<Clue> clues) =>
        clues.Select(c => c.RuleId + " " + c.Line.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal);

    private static RuleSet Build(IScriptConditionCompiler compiler, params string[] scripts) => new RuleSetBuilder()
        .AddDataset(Scripts.Judgments)
        .UseScriptCompiler(compiler)
        .AddRules(scripts.Select((s, i) => new RuleDefinition("R" + i.ToString(CultureInfo.InvariantCulture), "judgments", string.Empty) { Script = s }))
        .Build();

    /// <summary>A host's compiler that knows only <see cref="IScriptConditionCompiler.Compile"/> and names no rule in its diagnostics.</summary>
    private sealed class OneAtATime : IScriptConditionCompiler
    {
        public int Calls { get; private set; }

        public ScriptCondition? Compile(ScriptConditionRequest request, ICollection<Diagnostic> diagnostics)
        {
            Calls++;
            var found = new List<Diagnostic>();
            ScriptCondition? condition = Scripts.Compiler.Compile(request, found);
            foreach (Diagnostic diagnostic in found)
            {
                diagnostics.Add(diagnostic with { RuleId = null });
            }

            return condition;
        }
    }
}
