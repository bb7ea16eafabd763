using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Records;

namespace RuleEngine.Benchmarks.EndToEnd;

/// <summary>
/// A two-stage model over the penalties CSV of the DuckDB comparison (1,000,000 rows, 2 workers): stage one derives a
/// record of four fields from each of the 677,770 rows <c>penalty IN ('警告', '罚款', '行政拘留') AND amount &gt;= 100</c>
/// matches, and stage two tests the derived records (1,180 clues). The derived records are held between the stages,
/// which is what the garbage collector's mode decides the cost of: <see cref="StagedModelBackgroundGcBenchmarks"/> runs
/// it with the .NET default (background collection), <see cref="StagedModelBatchGcBenchmarks"/> without, as
/// <c>rulerunner</c> does. Run each class on its own (<c>--filter '*StagedModelBatchGc*'</c>): BenchmarkDotNet builds
/// benchmarks run together as one program, and the collector setting of one then does not reach the other.
/// </summary>
[MemoryDiagnoser]
public abstract class StagedModelBenchmarks
{
    private string _input = string.Empty;
    private RuleSet _rules = null!;

    [GlobalSetup]
    public void Setup()
    {
        _input = PenaltyFile.Csv(1_000_000);
        _rules = new RuleSetBuilder()
            .AddDataset(PenaltyFile.Schema)
            .AddRule(new RuleDefinition("S1", "penalties", "penalty IN ('警告', '罚款', '行政拘留') AND amount >= 100")
            {
                Derive = new DeriveDefinition("fined", [new("id_number", "id_number"), new("amount", "amount"), new("region", "region"), new("decided", "decided")]),
            })
            .AddRule(new RuleDefinition("S2", "fined", "amount >= 1000 AND region = '330105'"))
            .Build();
    }

    [Benchmark(Description = "staged model, CSV → clues (2 workers)")]
    public async Task<long> Staged()
    {
        var sink = new CountingSink();
        await _rules.RunAsync(RecordSource.Csv(_input, PenaltyFile.Schema), sink, new RunOptions { MaxDegreeOfParallelism = 2 });
        return sink.Count;
    }
}

/// <summary>The staged model with background garbage collection (the .NET default).</summary>
public class StagedModelBackgroundGcBenchmarks : StagedModelBenchmarks
{
}

/// <summary>The staged model without background garbage collection, as <c>rulerunner</c> runs.</summary>
[GcConcurrent(false)]
public class StagedModelBatchGcBenchmarks : StagedModelBenchmarks
{
}
