using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;

namespace RuleEngine.Benchmarks.Compilation;

/// <summary>Parsing, binding and compiling N rules into a rule set (predicates; explanations compile lazily).</summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private RuleSpec[] _rules = [];

    [Params(10, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup() => _rules = CaseWorkload.Rules(Rules);

    [Benchmark]
    public RuleSet Compile() => CaseWorkload.RuleEngineRules(_rules);
}
