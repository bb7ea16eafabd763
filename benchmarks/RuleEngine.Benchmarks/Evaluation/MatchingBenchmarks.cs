using BenchmarkDotNet.Attributes;
using NRules;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Execution;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.Evaluation;

/// <summary>
/// The hot matching loop: 20,000 typed case records × N rules → number of matches, for each engine on the same rules.
/// Records are already in each engine's own form (no parsing); no clue is built.
/// </summary>
[MemoryDiagnoser]
public class MatchingBenchmarks
{
    private const int RecordCount = 20_000;
    private CaseRecord[] _objects = [];
    private Func<CaseRecord, bool>[] _lambdas = [];
    private Record[] _records = [];
    private CompiledDataset _compiled = null!;
    private CompiledDataset _scripts = null!;
    private int[] _candidates = [];
    private ISessionFactory _nrules = null!;

    [Params(1, 10, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _objects = CaseWorkload.Records(RecordCount);
        RuleSpec[] specs = CaseWorkload.Rules(Rules);
        _lambdas = [.. specs.Select(s => s.Lambda())];

        _compiled = CaseWorkload.RuleEngineRules(specs).Compiled("cases");
        _records = CaseWorkload.TypedRecords(_objects, _compiled);
        _candidates = new int[Math.Max(_compiled.Rules.Length, _compiled.Dispatch.Capacity)];
        _scripts = CaseWorkload.ScriptRules(specs).Compiled("cases");

        _nrules = MatchingLoops.NRules(specs.Select(s => s.Expression("r")));
    }

    [Benchmark(Baseline = true, Description = "Hand-written lambda per rule")]
    public int HandWrittenLambda() => MatchingLoops.Lambdas(_objects, _lambdas);

    [Benchmark(Description = "RuleEngine (rule index)")]
    public int RuleEngineIndexed() => MatchingLoops.Indexed(_records, _compiled, _candidates);

    [Benchmark(Description = "RuleEngine (every rule)")]
    public int RuleEngineEveryRule()
    {
        int matches = 0;
        CompiledRule[] rules = _compiled.Rules;
        foreach (Record record in _records)
        {
            for (int r = 0; r < rules.Length; r++)
            {
                if (rules[r].Predicate(record))
                {
                    matches++;
                }
            }
        }

        return matches;
    }

    [Benchmark(Description = "RuleEngine (C# script rules)")]
    public int RuleEngineScripts()
    {
        int matches = 0;
        CompiledRule[] rules = _scripts.Rules;
        foreach (Record record in _records)
        {
            for (int r = 0; r < rules.Length; r++)
            {
                if (rules[r].Predicate(record))
                {
                    matches++;
                }
            }
        }

        return matches;
    }

    [Benchmark(Description = "NRules 1.0.4")]
    public int NRules() => MatchingLoops.NRulesMatches(_nrules, _objects);
}
