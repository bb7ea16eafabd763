using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using RuleEngine.Clues;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

public sealed class LoadingTests
{
    private const string Rows = """
        （2024）京0105民初1号,民间借贷纠纷,,,5000,,1,,2024-01-01,,
        （2024）京0105民初2号,民间借贷纠纷,,,50,,1,,2024-01-01,,
        """;

    [Fact]
    public async Task C47_a_script_replaced_many_times_leaves_no_load_context_behind()
    {
        var contexts = new List<WeakReference>();
        for (int i = 0; i < 100; i++)
        {
            contexts.Add(await LoadRunAndDropAsync(i % 2 == 0 ? "r.Amount > 1000m" : "r.Amount > 100m"));
        }

        // The thread pool may still hold the last run's last work item (and so its rule set); one more run releases it.
        await LoadRunAndDropAsync("r.Amount > 1001m");

        for (int attempt = 0; attempt < 20 && contexts.Exists(c => c.IsAlive); attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.Equal([], contexts.Select((c, i) => (c, i)).Where(x => x.c.IsAlive).Select(x => x.i));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> LoadRunAndDropAsync(string script)
    {
        RuleSet rules = Scripts.Build(null, script);
        (List<Clue> clues, _) = await Scripts.RunAsync(rules, Rows);
        Assert.Single(clues);
        var condition = (CompiledScriptCondition)rules.Compiled("judgments").Rules[0].Script!;
        return new WeakReference(AssemblyLoadContext.GetLoadContext(condition.Assembly!));
    }

    [Fact]
    public void The_scripts_of_a_rule_set_share_one_collectible_context_and_the_next_rule_set_gets_its_own()
    {
        var compiler = new ScriptRuleCompiler();
        RuleSet first = Build(compiler, "r.Amount > 1m", "r.Amount > 2m", "r.Amount > 1m");
        RuleSet second = Build(compiler, "r.Amount > 1m");

        Assembly?[] firstAssemblies = [.. first.Compiled("judgments").Rules.Select(r => ((CompiledScriptCondition)r.Script!).Assembly)];
        Assembly? secondAssembly = ((CompiledScriptCondition)second.Compiled("judgments").Rules[0].Script!).Assembly;

        Assert.Single(firstAssemblies.Distinct());
        Assert.NotSame(firstAssemblies[0], secondAssembly);
        Assert.True(AssemblyLoadContext.GetLoadContext(firstAssemblies[0]!)!.IsCollectible);
        Assert.Equal(2, firstAssemblies[0]!.GetTypes().Count(t => t.Name == "ScriptRule"));
    }

    private static RuleSet Build(ScriptRuleCompiler compiler, params string[] scripts) => new RuleSetBuilder()
        .AddDataset(Scripts.Judgments)
        .UseScriptCompiler(compiler)
        .AddRules(scripts.Select((s, i) => new RuleDefinition("R" + i, "judgments", string.Empty) { Script = s }))
        .Build();
}
