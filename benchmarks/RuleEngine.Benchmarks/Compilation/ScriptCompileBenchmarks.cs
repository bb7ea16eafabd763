using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Scripting.Loading;

namespace RuleEngine.Benchmarks.Compilation;

/// <summary>
/// Compiling N rules written as C# scripts, cold: the gate, Roslyn, emit and load for every script (the cache of
/// compiled scripts is emptied before each iteration).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class ScriptCompileBenchmarks
{
    private RuleSpec[] _rules = [];

    [Params(10, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup() => _rules = CaseWorkload.Rules(Rules);

    [IterationSetup]
    public void ForgetCompiledScripts() => CompiledScriptCache.Clear();

    [Benchmark]
    public RuleSet CompileScripts() => CaseWorkload.ScriptRules(_rules);
}
