using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Execution;
using RuleEngine.Records;

namespace RuleEngine.Benchmarks.Evaluation;

/// <summary>
/// The hot matching loop on rules of shapes nobody tuned for (<see cref="RandomShapes"/>): 20,000 typed case records ×
/// N rules → number of matches, RuleEngine's dispatch against a hand-written lambda per rule. Records are already in
/// each engine's own form; no clue is built.
/// </summary>
[MemoryDiagnoser]
public class RandomShapeBenchmarks
{
    private const int RecordCount = 20_000;
    private CaseRecord[] _objects = [];
    private Func<CaseRecord, bool>[] _lambdas = [];
    private Record[] _records = [];
    private CompiledDataset _compiled = null!;
    private int[] _candidates = [];

    [Params(10, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _objects = CaseWorkload.Records(RecordCount);
        (string Condition, Func<CaseRecord, bool> Lambda)[] rules = RandomShapes.Rules(Rules);
        _lambdas = [.. rules.Select(r => r.Lambda)];
        _compiled = new RuleSetBuilder()
            .AddDataset(Schema.DatasetSchema.FromType<CaseRecord>("cases"))
            .AddRules(rules.Select((r, i) => new RuleDefinition("R" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "cases", r.Condition)))
            .Build()
            .Compiled("cases");
        _records = CaseWorkload.TypedRecords(_objects, _compiled);
        _candidates = new int[Math.Max(_compiled.Rules.Length, _compiled.Dispatch.Capacity)];
    }

    [Benchmark(Baseline = true, Description = "Hand-written lambda per rule")]
    public int HandWrittenLambda() => MatchingLoops.Lambdas(_objects, _lambdas);

    [Benchmark(Description = "RuleEngine (rule index)")]
    public int RuleEngineIndexed() => MatchingLoops.Indexed(_records, _compiled, _candidates);

    /// <summary>Candidates per record the dispatch leaves, averaged (for the notes, not timed).</summary>
    public double CandidatesPerRecord() => _records.Average(record => _compiled.Dispatch.Candidates(record, _candidates));
}
