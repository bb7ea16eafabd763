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
        var condition = (CompiledScriptCondition)Scripts.Compile(script).Condition!;
        return new WeakReference(AssemblyLoadContext.GetLoadContext(condition.Assembly));
    }

    [Fact]
    public void The_same_script_is_compiled_once_and_loaded_in_a_context_of_its_own_each_time()
    {
        const string script = "r.Amount > 123456m";
        var first = (CompiledScriptCondition)Scripts.Compile(script).Condition!;
        var second = (CompiledScriptCondition)Scripts.Compile(script).Condition!;

        Assert.NotSame(first.Assembly, second.Assembly);
        Assert.Equal(first.Assembly.GetName().Name, second.Assembly.GetName().Name);
        Assert.True(AssemblyLoadContext.GetLoadContext(first.Assembly)!.IsCollectible);
    }
}
