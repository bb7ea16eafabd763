using System.Globalization;
using BenchmarkDotNet.Attributes;
using NRules;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Execution;
using RuleEngine.Records;

namespace RuleEngine.Benchmarks.Evaluation;

/// <summary>
/// The hot matching loop on <see cref="SelectiveShapes"/>: skewed categorical data, rules of 2 to 5 conditions from a
/// grammar, each matching at most 0.1 % of 20,000 case records. Baselines: a hand-written lambda per rule, hand-written
/// code that files rules under their equality tests (<see cref="HandWrittenIndex"/>), NRules. RuleEngine runs through
/// its public matcher over the same objects (<see cref="RuleMatcher{T}"/>, tuned on the first 512), and through the
/// run's own loop over records already in its typed form.
/// </summary>
[MemoryDiagnoser]
public class SelectiveShapeBenchmarks
{
    private const int RecordCount = 20_000;
    private CaseRecord[] _objects = [];
    private Func<CaseRecord, bool>[] _lambdas = [];
    private HandWrittenIndex _handIndex = null!;
    private RuleMatcher<CaseRecord> _matcher = null!;
    private int[] _matched = [];
    private Record[] _records = [];
    private CompiledDataset _compiled = null!;
    private int[] _candidates = [];
    private ISessionFactory _nrules = null!;

    [Params(10, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _objects = SelectiveShapes.Records(RecordCount);
        SelectiveRule[] rules = SelectiveShapes.Rules(Rules, _objects);
        _lambdas = [.. rules.Select(r => r.Lambda)];
        _handIndex = new HandWrittenIndex(rules);
        RuleSet ruleSet = new RuleSetBuilder()
            .AddDataset(Schema.DatasetSchema.FromType<CaseRecord>("cases"))
            .AddRules(rules.Select((r, i) => new RuleDefinition("R" + i.ToString(CultureInfo.InvariantCulture), "cases", r.Condition)))
            .Build();
        _matcher = ruleSet.CreateMatcher<CaseRecord>("cases");
        _matcher.Tune(_objects.Take(RuleMatcher<CaseRecord>.SampleSize));
        _matched = new int[_matcher.RuleIds.Count];
        _compiled = ruleSet.Compiled("cases");
        _records = CaseWorkload.TypedRecords(_objects, _compiled);
        _candidates = new int[Math.Max(_compiled.Rules.Length, _compiled.Dispatch.Capacity)];

        _nrules = MatchingLoops.NRules(rules.Select(r => r.Tree));
    }

    [Benchmark(Baseline = true, Description = "Hand-written lambda per rule")]
    public int HandWrittenLambda() => MatchingLoops.Lambdas(_objects, _lambdas);

    [Benchmark(Description = "Hand-written index on equality tests")]
    public int HandWrittenIndexed() => _handIndex.Matches(_objects);

    [Benchmark(Description = "RuleEngine matcher (host objects)")]
    public int RuleEngineMatcher() => MatchingLoops.Matcher(_objects, _matcher, _matched);

    [Benchmark(Description = "RuleEngine (typed records)")]
    public int RuleEngineIndexed() => MatchingLoops.Indexed(_records, _compiled, _candidates);

    [Benchmark(Description = "NRules 1.0.4")]
    public int NRules() => MatchingLoops.NRulesMatches(_nrules, _objects);

    /// <summary>Candidates per record the dispatch leaves, averaged (for the notes, not timed).</summary>
    public double CandidatesPerRecord() => _records.Average(record => _compiled.Dispatch.Candidates(record, _candidates));

}
