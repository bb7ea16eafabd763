using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Execution;
using RuleEngine.Records;
using RuleEngine.Schema;
using RulesEngine.Models;

namespace RuleEngine.Benchmarks.Evaluation;

/// <summary>
/// Microsoft RulesEngine 6.0.1 beside the hand-written lambda and RuleEngine, on fewer records: it evaluates each
/// record through its workflow API, which is orders of magnitude slower.
/// </summary>
[MemoryDiagnoser]
public class PeerBenchmarks
{
    private const int RecordCount = 500;
    private CaseRecord[] _objects = [];
    private Func<CaseRecord, bool>[] _lambdas = [];
    private Record[] _records = [];
    private CompiledDataset _compiled = null!;
    private int[] _candidates = [];
    private global::RulesEngine.RulesEngine _microsoft = null!;

    [Params(10, 100)]
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
        var workflow = new Workflow
        {
            WorkflowName = "cases",
            Rules = [.. specs.Select((s, i) => new Rule { RuleName = "R" + i, Expression = s.RulesEngineExpression, RuleExpressionType = RuleExpressionType.LambdaExpression })],
        };
        _microsoft = new global::RulesEngine.RulesEngine([workflow], new ReSettings());
    }

    [Benchmark(Baseline = true, Description = "Hand-written lambda per rule")]
    public int HandWrittenLambda() => MatchingLoops.Lambdas(_objects, _lambdas);

    [Benchmark(Description = "RuleEngine (rule index)")]
    public int RuleEngineIndexed() => MatchingLoops.Indexed(_records, _compiled, _candidates);

    [Benchmark(Description = "Microsoft RulesEngine 6.0.1")]
    public async Task<int> MicrosoftRulesEngine()
    {
        int matches = 0;
        foreach (CaseRecord record in _objects)
        {
            List<RuleResultTree> results = await _microsoft.ExecuteAllRulesAsync("cases", record);
            matches += results.Count(r => r.IsSuccess);
        }

        return matches;
    }
}
