using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Records;

namespace RuleEngine.Benchmarks.EndToEnd;

/// <summary>
/// A host that runs small inputs: one <c>RunAsync</c> over 10 host objects with 1000 rules, against the public
/// matcher over the same 10 objects. What a run costs beyond its records (batches, workers, the emitter) shows here.
/// </summary>
[MemoryDiagnoser]
public class SmallInputBenchmarks
{
    private CaseRecord[] _objects = [];
    private RuleSet _rules = null!;
    private RuleMatcher<CaseRecord> _matcher = null!;
    private int[] _matched = [];

    [GlobalSetup]
    public void Setup()
    {
        _objects = SelectiveShapes.Records(10);
        CaseRecord[] sample = SelectiveShapes.Records(20_000);
        SelectiveRule[] rules = SelectiveShapes.Rules(1000, sample);
        _rules = new RuleSetBuilder()
            .AddDataset(Schema.DatasetSchema.FromType<CaseRecord>("cases"))
            .AddRules(rules.Select((r, i) => new RuleDefinition("R" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "cases", r.Condition)))
            .Build();
        _matcher = _rules.CreateMatcher<CaseRecord>("cases");
        _matcher.Tune(sample.Take(RuleMatcher<CaseRecord>.SampleSize));
        _matched = new int[_matcher.RuleIds.Count];
    }

    [Benchmark(Baseline = true, Description = "RunAsync, 10 objects, 1000 rules")]
    public async Task<long> Run()
    {
        var sink = new CountingSink();
        await _rules.RunAsync(RecordSource.FromObjects("cases", _objects), sink);
        return sink.Count;
    }

    [Benchmark(Description = "RuleMatcher, 10 objects, 1000 rules")]
    public long Match() => Evaluation.MatchingLoops.Matcher(_objects, _matcher, _matched);
}
