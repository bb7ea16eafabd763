using System.Globalization;
using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Execution;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.Evaluation;

/// <summary>
/// Rules that make the same costly calls (<c>id_age_at(person_id, judgment_date)</c>, <c>months_between(...)</c>) with
/// no equality test to index them, so every rule reaches the calls on every record: computed in every rule, against
/// computed once per record and read back by the other rules.
/// </summary>
[MemoryDiagnoser]
public class SharedSubexpressionBenchmarks
{
    private const int RecordCount = 5_000;
    private Record[] _records = [];
    private CompiledDataset _separate = null!;
    private CompiledDataset _shared = null!;

    [Params(10, 100)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[] conditions = [.. Enumerable.Range(0, Rules).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"id_age_at(person_id, judgment_date) >= {60 + (i % 20)} AND months_between(filing_date, judgment_date) > {i % 12} AND amount >= {i * 500}"))];
        _separate = Build(conditions, share: false);
        _shared = Build(conditions, share: true);
        _records = CaseWorkload.TypedRecords(CaseWorkload.Records(RecordCount), _shared);
        foreach (Record record in _records)
        {
            record.Shared = new SharedValues(_shared.SharedValues);
        }
    }

    [Benchmark(Baseline = true, Description = "Computed in every rule")]
    public int ComputedInEveryRule() => Count(_separate);

    [Benchmark(Description = "Computed once per record")]
    public int ComputedOncePerRecord() => Count(_shared);

    private int Count(CompiledDataset dataset)
    {
        int matches = 0;
        CompiledRule[] rules = dataset.Rules;
        foreach (Record record in _records)
        {
            record.Shared!.Invalidate();
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

    private static CompiledDataset Build(string[] conditions, bool share) => new RuleSetBuilder { ShareSubexpressions = share }
        .AddDataset(DatasetSchema.FromType<CaseRecord>("cases"))
        .AddRules(conditions.Select((c, i) => new RuleDefinition("R" + i.ToString(CultureInfo.InvariantCulture), "cases", c)))
        .Build()
        .Compiled("cases");
}
