using BenchmarkDotNet.Attributes;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.EndToEnd;

/// <summary>
/// What exact windows cost: 10,000,000 penalties over ten years, every one counted by a window rule (the worst case:
/// a selective <c>when:</c> sorts only what it lets through), run sorted and shuffled in
/// <see cref="WindowOrder.Exact"/>, and sorted in <see cref="WindowOrder.Arrival"/> (no sort: the first version's way).
/// An operation takes a minute or more; CI's dry job sets <c>RE_BENCH_WINDOW_RECORDS</c> to run a small version.
/// </summary>
[MemoryDiagnoser]
public class WindowSortBenchmarks
{
    private static readonly int Records = int.TryParse(Environment.GetEnvironmentVariable("RE_BENCH_WINDOW_RECORDS"), out int records) && records > 0 ? records : 10_000_000;
    private static readonly int People = Math.Max(1_000, Records / 5);
    private const int Offenders = 200;

    private Penalty[] _sorted = [];
    private Penalty[] _shuffled = [];
    private RuleSet _rules = null!;

    /// <summary>Gets or sets the order of the input and the window order of the run.</summary>
    [Params("sorted, exact", "shuffled, exact", "sorted, arrival")]
    public string Case { get; set; } = "sorted, exact";

    [GlobalSetup]
    public void Setup()
    {
        _rules = new RuleSetBuilder().AddDataset(DatasetSchema.FromType<Penalty>("penalties"))
            .AddRule(new RuleDefinition("M12W", "penalties", "amount > 0") { Window = new WindowDefinition("person_id", "decision_date", 90, "count() >= 5") })
            .Build();
        var random = new Random(2026);
        string[] ids = [.. Enumerable.Range(0, People).Select(Id)];
        DateOnly start = new(2015, 1, 1);
        _sorted = new Penalty[Records];
        for (int i = 0; i < Records; i++)
        {
            int person = random.Next(200) == 0 ? random.Next(Offenders) : Offenders + random.Next(People - Offenders);
            _sorted[i] = new Penalty { PersonId = ids[person], DecisionDate = start.AddDays((int)((long)i * 3650 / Records)), Amount = 100 + random.Next(900) };
        }

        _shuffled = [.. _sorted];
        new Random(7).Shuffle(_shuffled);
    }

    [Benchmark(Description = "10 M records, one window rule counting all of them")]
    public async Task<long> Run()
    {
        (Penalty[] input, WindowOrder order) = Case switch
        {
            "shuffled, exact" => (_shuffled, WindowOrder.Exact),
            "sorted, arrival" => (_sorted, WindowOrder.Arrival),
            _ => (_sorted, WindowOrder.Exact),
        };
        var sink = new CountingSink();
        RunSummary summary = await _rules.RunAsync(RecordSource.FromObjects("penalties", input), sink, new RunOptions { WindowOrder = order, WindowLatenessDays = 0 });
        return summary.RuleErrors == 0 ? sink.Count : throw new InvalidOperationException($"{summary.RuleErrors} rule errors");
    }

    private static string Id(int n)
    {
        string body = $"110105{new DateOnly(1950, 1, 1).AddDays(n % 20_000):yyyyMMdd}{n / 20_000:000}";
        return body + ChineseData.IdNumber.ComputeCheckCharacter(body);
    }

    /// <summary>An administrative penalty.</summary>
    public sealed class Penalty
    {
        /// <summary>Gets the punished person's ID number.</summary>
        [DatasetField(Type = FieldType.IdNumber, Key = true)]
        public required string PersonId { get; init; }

        /// <summary>Gets the date of the decision.</summary>
        public required DateOnly DecisionDate { get; init; }

        /// <summary>Gets the fine in 元.</summary>
        public required int Amount { get; init; }
    }

    private sealed class CountingSink : IClueSink
    {
        public long Count { get; private set; }

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            Count++;
            return ValueTask.CompletedTask;
        }
    }
}
