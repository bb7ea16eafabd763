using RuleEngine.Clues;
using RuleEngine.ChineseData;
using RuleEngine.Schema;

namespace RuleEngine.Tests.Execution;

/// <summary>Window state follows the data's density, not its length: 2,000,000 records over ten years stay under the bound.</summary>
public class WindowScaleTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Records = 2_000_000;
    private const int People = 1_000_000;
    private const int Offenders = 100;

    public sealed class Penalty
    {
        [DatasetField(Type = FieldType.IdNumber, Key = true)]
        public required string PersonId { get; init; }

        public required DateOnly DecisionDate { get; init; }

        public required int Amount { get; init; }
    }

    [Fact]
    [Trait("Category", "Scale")]
    public async Task Window_TwoMillionRecordsOverTenYears_StayUnderTheStateBound()
    {
        const long bound = 1_000_000;
        DatasetSchema schema = DatasetSchema.FromType<Penalty>("penalties");
        RuleSet rules = new RuleSetBuilder().AddDataset(schema)
            .AddRule(new RuleDefinition("M12W", "penalties", "amount > 0") { Window = new WindowDefinition("person_id", "decision_date", 730, "count() >= 10") })
            .Build();
        var sink = new CountingSink();
        RunSummary summary = await rules.RunAsync(RuleEngine.Records.RecordSource.FromObjects("penalties", Generate()), sink, new RunOptions { MaxWindowState = bound });

        long peak = summary.PeakWindowStatePerRule["M12W"];
        output.WriteLine($"{summary.RecordsRead} records, peak window state {peak}, {sink.Count} clues, {summary.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(Records, summary.RecordsRead);
        Assert.InRange(peak, 1, bound);
        Assert.True(peak < Records / 2, $"Peak window state {peak} should track the records inside a window, not the input.");
        Assert.InRange(sink.Count, Offenders, Offenders * 10);
        Assert.Equal(summary.CluesEmitted, sink.Count);
    }

    /// <summary>Ten years of penalties in date order: most people have one or two, a hundred serial offenders about twenty a year.</summary>
    private static IEnumerable<Penalty> Generate()
    {
        var random = new Random(2026);
        string[] ids = [.. Enumerable.Range(0, People).Select(Id)];
        DateOnly start = new(2015, 1, 1);
        for (int i = 0; i < Records; i++)
        {
            int person = random.Next(200) == 0 ? random.Next(Offenders) : Offenders + random.Next(People - Offenders);

            yield return new Penalty { PersonId = ids[person], DecisionDate = start.AddDays((int)((long)i * 3650 / Records)), Amount = 100 + random.Next(900) };
        }
    }

    private static string Id(int n)
    {
        string body = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"110105{new DateOnly(1950, 1, 1).AddDays(n / 1000):yyyyMMdd}{n % 1000:000}");
        return body + IdNumber.ComputeCheckCharacter(body);
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
