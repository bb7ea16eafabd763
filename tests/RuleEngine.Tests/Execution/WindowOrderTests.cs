using System.Globalization;
using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>A file run's window clues do not depend on the order of its input: the engine sorts, spilling to disk past a bound.</summary>
public class WindowOrderTests
{
    private static readonly DatasetSchema Suits = DatasetSchema.Create("suits")
        .Add("plaintiff_id", FieldType.IdNumber).Add("case_no", FieldType.CaseNo).Add("filing_date", FieldType.Date).Add("amount", FieldType.Decimal).Add("defendant", FieldType.String)
        .Key("plaintiff_id").Build();

    private static readonly WindowDefinition Lender = new("plaintiff_id", "filing_date", 30, "count() >= 5 AND count_distinct(defendant) >= 3 AND sum(amount) > 2000");

    [Fact]
    public async Task ShuffledInput_GivesTheCluesOfSortedInput_WhenTheSortSpillsToDisk()
    {
        List<string> rows = GenerateSuits(seed: 7);
        string sorted = Csv(rows);
        string shuffled = Csv(Shuffle(rows, seed: 8));

        var (expected, sortedSummary) = await Run(sorted, new RunOptions());
        var (actual, shuffledSummary) = await Run(shuffled, new RunOptions { WindowSortBufferRecords = 500 });

        Assert.True(expected.Count >= 20, $"The generated data should plant enough episodes; it gave {expected.Count}.");
        Assert.Equal(Episodes(expected), Episodes(actual));
        Assert.Equal(0, sortedSummary.WindowSortsPerRule["W"].SpilledRuns);
        WindowSortFigures sort = shuffledSummary.WindowSortsPerRule["W"];
        Assert.True(sort.SpilledRuns >= 2, $"The sort should have spilled; it wrote {sort.SpilledRuns} run(s).");
        Assert.True(sort.SpilledBytes > 0);
        Assert.Equal(rows.Count, sort.Records);
        Assert.Equal(0, shuffledSummary.RuleErrors);
    }

    [Fact]
    public async Task WindowClues_AreCountedAsWindowClues_NotAsMatchedRecords()
    {
        var (clues, summary) = await Run(Csv(GenerateSuits(seed: 7)), new RunOptions());

        Assert.NotEmpty(clues);
        Assert.Equal(clues.Count, summary.WindowClues);
        Assert.Equal(summary.CluesEmitted, summary.WindowClues);
        Assert.Equal(0, summary.RecordsMatched);
        Assert.Contains($"matched 0 (and {clues.Count} window clue(s), each over a group)", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShuffledInput_InArrivalOrder_IsReportedLateNeverMiscountedSilently()
    {
        List<string> rows = GenerateSuits(seed: 7);
        var (_, summary) = await Run(Csv(Shuffle(rows, seed: 8)), new RunOptions { WindowOrder = WindowOrder.Arrival, WindowLatenessDays = 0 });

        Assert.True(summary.RuleErrors > 0);
        Assert.All(summary.Rejections, r => Assert.Equal(DiagnosticIds.LateRecord, r.Code));
    }

    [Fact]
    public async Task SortedInput_GivesTheSameCluesInBothOrders()
    {
        string sorted = Csv(GenerateSuits(seed: 3));

        var (exact, _) = await Run(sorted, new RunOptions { WindowSortBufferRecords = 300 });
        var (arrival, summary) = await Run(sorted, new RunOptions { WindowOrder = WindowOrder.Arrival, WindowLatenessDays = 0 });

        Assert.NotEmpty(exact);
        Assert.Equal(0, summary.RuleErrors);
        Assert.Equal(arrival.Select(JsonLinesClueSink.Format), exact.Select(JsonLinesClueSink.Format));
    }

    [Fact]
    public async Task SpillFiles_LeaveNothingInTheSpillFolder()
    {
        string folder = Directory.CreateTempSubdirectory("re-spill-").FullName;
        try
        {
            var (clues, summary) = await Run(Csv(Shuffle(GenerateSuits(seed: 5), seed: 6)), new RunOptions { WindowSortBufferRecords = 200, SpillDirectory = folder });

            Assert.NotEmpty(clues);
            Assert.True(summary.WindowSortsPerRule["W"].SpilledRuns > 0);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task SpillFolderThatDoesNotExist_StopsTheRunWithRE5018()
    {
        string missing = Path.Combine(Path.GetTempPath(), "re-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var error = await Assert.ThrowsAsync<RunOutputException>(() => Run(Csv(GenerateSuits(seed: 5)), new RunOptions { WindowSortBufferRecords = 100, SpillDirectory = missing }));

        Assert.Equal(DiagnosticIds.SpillFailed, error.Code);
        Assert.NotNull(error.Summary);
    }

    [Fact]
    public async Task Window_OverADatetime_CountsByCalendarDay()
    {
        DatasetSchema visits = DatasetSchema.Create("visits").Add("person_id", FieldType.IdNumber).Add("visited_at", FieldType.DateTime).Key("person_id").Build();
        string csv = "person_id,visited_at\n"
            + "11010519491231002X,2024-03-01 23:50:00\n"
            + "370101190102039973,2024-03-01 08:00:00\n"
            + "11010519491231002X,2024-03-01 00:10:00\n"
            + "370101190102039973,2024-03-02 07:00:00\n";
        RuleSet rules = new RuleSetBuilder().AddDataset(visits)
            .AddRule(new RuleDefinition("W", "visits", "TRUE") { Window = new WindowDefinition("person_id", "visited_at", 0, "count() >= 2") })
            .Build();
        var sink = new CollectingSink();
        await rules.RunAsync(RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), visits), sink, new RunOptions { RevealPersonalData = true });

        Clue clue = Assert.Single(sink.Clues);
        Assert.Equal("11010519491231002X", clue.SubjectKey);
        Assert.Equal(new DateOnly(2024, 3, 1), clue.Evidence.Single(e => e.Field == "episode_start").Value);
    }

    [Fact]
    public async Task Group_OverTheWholeInput_JudgesEachKeyOnceOverAllItsRecords_InAnyOrderAndThroughSpills()
    {
        List<string> rows = GenerateSuits(seed: 9);
        var group = new WindowDefinition("plaintiff_id", "count() >= 20 AND count_distinct(defendant) >= 4");
        var (sorted, _) = await Run(Csv(rows), new RunOptions(), group);
        var (shuffled, summary) = await Run(Csv(Shuffle(rows, seed: 10)), new RunOptions { WindowSortBufferRecords = 300 }, group);

        // Who should be flagged, counted by hand from the rows.
        string[] expected = [.. rows.Select(r => r.Split(',')).GroupBy(f => f[0])
            .Where(g => g.Count() >= 20 && g.Select(f => f[4]).Distinct().Count() >= 4)
            .Select(g => g.Key).Order(StringComparer.Ordinal)];
        Assert.NotEmpty(expected);
        Assert.Equal(expected, sorted.Select(c => c.SubjectKey));
        Assert.Equal(Episodes(sorted), Episodes(shuffled));
        Assert.True(summary.WindowSortsPerRule["W"].SpilledRuns > 0);
        Assert.All(sorted, c => Assert.DoesNotContain(c.Evidence, e => e.Field == "episode_start"));
        Clue first = sorted[0];
        long count = rows.Count(r => r.StartsWith(first.SubjectKey + ",", StringComparison.Ordinal));
        Assert.Equal(count, first.Evidence.Single(e => e.Field == "count()").Value);
        Assert.Equal(count, first.Evidence.Single(e => e.Field == "members").Value);
    }

    [Fact]
    public void Sorter_SpilledValuesOfEveryType_ComeBackEqualByDayThenArrival()
    {
        object?[][] values =
        [
            [null, 42, 7_000_000_000L, true],
            [new DateOnly(2024, 2, 29), new DateTime(2024, 3, 1, 8, 30, 0), 2.5, 12.34m],
            ["张三", new[] { "醉驾", "逃逸" }, 0m, false],
            ["𠀀 outside the BMP", Array.Empty<string>(), -1, double.NaN],
        ];
        int[] days = [5, 3, 5, 3];
        using var sorter = new WindowSorter(memoryRecords: 1, spillDirectory: null);
        for (int i = 0; i < values.Length; i++)
        {
            sorter.Add(new WindowEntry($"k{i}", days[i], i + 2, values[i]));
        }

        Assert.Equal(values.Length, sorter.SpilledRuns);
        List<WindowEntry> drained = [.. sorter.Drain()];
        Assert.Equal(["k1", "k3", "k0", "k2"], drained.Select(e => e.Key));
        Assert.Equal([3L, 5L, 2L, 4L], drained.Select(e => e.Line));
        foreach (WindowEntry entry in drained)
        {
            object?[] original = values[(int)entry.Line - 2];
            Assert.Equal(original.Length, entry.Values.Length);
            for (int i = 0; i < original.Length; i++)
            {
                Assert.Equal(original[i], entry.Values[i]);
                Assert.Equal(original[i]?.GetType(), entry.Values[i]?.GetType());
            }
        }
    }

    /// <summary>
    /// Three years of suits in date order: 400 occasional plaintiffs, and 40 lenders who file in bursts (some bursts too
    /// small, too few defendants or too little money: near misses).
    /// </summary>
    private static List<string> GenerateSuits(int seed)
    {
        var random = new Random(seed);
        var suits = new List<(DateOnly Date, string Row)>();
        DateOnly start = new(2021, 1, 1);
        for (int person = 0; person < 440; person++)
        {
            string id = IdNumber(person);
            bool lender = person < 40;
            int count = lender ? 20 + random.Next(20) : 1 + random.Next(3);
            for (int i = 0; i < count; i++)
            {
                DateOnly date = lender
                    ? start.AddDays((random.Next(6) * 180) + random.Next(25))
                    : start.AddDays(random.Next(1095));
                string defendant = "D" + random.Next(lender ? 4 : 40);
                int amount = 100 + random.Next(900);
                suits.Add((date, string.Create(CultureInfo.InvariantCulture, $"{id},（{date.Year}）浙0624民初{suits.Count + 1}号,{date:yyyy-MM-dd},{amount},{defendant}")));
            }
        }

        return [.. suits.OrderBy(s => s.Date).Select(s => s.Row)];
    }

    private static List<string> Shuffle(List<string> rows, int seed)
    {
        string[] shuffled = [.. rows];
        new Random(seed).Shuffle(shuffled);
        return [.. shuffled];
    }

    private static string Csv(IEnumerable<string> rows) => "plaintiff_id,case_no,filing_date,amount,defendant\n" + string.Join('\n', rows) + "\n";

    /// <summary>What a window clue says, without the input lines of its members (which depend on the input's order).</summary>
    private static List<string> Episodes(IEnumerable<Clue> clues) =>
        [.. clues.Select(c => c.Fingerprint + " " + string.Join(";", c.Evidence.Where(e => e.Line == 0).Select(e => $"{e.Field}={Convert.ToString(e.Value, CultureInfo.InvariantCulture)}")))
            .Order(StringComparer.Ordinal)];

    private static async Task<(List<Clue> Clues, RunSummary Summary)> Run(string csv, RunOptions options, WindowDefinition? window = null)
    {
        RuleSet rules = new RuleSetBuilder().AddDataset(Suits).AddRule(new RuleDefinition("W", "suits", "amount > 0") { Window = window ?? Lender }).Build();
        var sink = new CollectingSink();
        RunSummary summary = await rules.RunAsync(RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), Suits), sink, options with { RevealPersonalData = true });
        return (sink.Clues, summary);
    }

    /// <summary>A valid 18-digit ID number for person <paramref name="n"/>: region, birth date, sequence and check digit.</summary>
    private static string IdNumber(int n)
    {
        string body = string.Create(CultureInfo.InvariantCulture, $"110105{new DateOnly(1960, 1, 1).AddDays(n * 7):yyyyMMdd}{n % 1000:000}");
        return body + RuleEngine.ChineseData.IdNumber.ComputeCheckCharacter(body);
    }
}
