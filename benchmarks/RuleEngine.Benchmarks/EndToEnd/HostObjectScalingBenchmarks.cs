using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Records;

namespace RuleEngine.Benchmarks.EndToEnd;

/// <summary>
/// Whether matching host objects scales with cores: 200,000 objects of the selective workload through 100 rules, on 1
/// and on 2 threads — through the public matcher (a <c>Parallel.For</c> over chunks, a buffer per thread) and through a
/// run from host objects (its workers write the objects into records and evaluate them).
/// </summary>
[MemoryDiagnoser]
public class HostObjectScalingBenchmarks
{
    private const int ObjectCount = 200_000;
    private const int Chunk = 4096;
    private CaseRecord[] _objects = [];
    private RuleSet _rules = null!;
    private RuleMatcher<CaseRecord> _matcher = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _objects = SelectiveShapes.Records(ObjectCount);
        SelectiveRule[] rules = SelectiveShapes.Rules(100, _objects[..20_000]);
        _rules = new RuleSetBuilder()
            .AddDataset(Schema.DatasetSchema.FromType<CaseRecord>("cases"))
            .AddRules(rules.Select((r, i) => new RuleDefinition("R" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "cases", r.Condition)))
            .Build();
        _matcher = _rules.CreateMatcher<CaseRecord>("cases");
        _matcher.Tune(_objects.Take(RuleMatcher<CaseRecord>.SampleSize));
    }

    [Benchmark(Baseline = true, Description = "RuleMatcher over host objects")]
    public long Matcher()
    {
        long matches = 0;
        Parallel.For(
            0,
            (ObjectCount + Chunk - 1) / Chunk,
            new ParallelOptions { MaxDegreeOfParallelism = Threads },
            () => (Buffer: new int[_matcher.RuleIds.Count], Count: 0L),
            (chunk, _, local) =>
            {
                int end = Math.Min(ObjectCount, (chunk + 1) * Chunk);
                for (int i = chunk * Chunk; i < end; i++)
                {
                    local.Count += _matcher.Match(_objects[i], local.Buffer);
                }

                return local;
            },
            local => Interlocked.Add(ref matches, local.Count));
        return matches;
    }

    [Benchmark(Description = "RunAsync from host objects to clues")]
    public async Task<long> Run()
    {
        var sink = new CountingSink();
        await _rules.RunAsync(RecordSource.FromObjects("cases", _objects), sink, new RunOptions { MaxDegreeOfParallelism = Threads });
        return sink.Count;
    }
}
