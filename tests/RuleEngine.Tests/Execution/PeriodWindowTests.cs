using System.Globalization;
using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>
/// Months as a type (<c>year_month</c>), month arithmetic, and windows over months and over runs of consecutive
/// periods ("below 80 % for three consecutive months"), in any input order.
/// </summary>
public class PeriodWindowTests
{
    private static readonly DatasetSchema Returns = DatasetSchema.Create("tax_returns")
        .Add("station", FieldType.String).Add("period", FieldType.YearMonth).Add("declared", FieldType.Decimal).Add("delivered", FieldType.Decimal)
        .Key("station").Build();

    private static readonly RuleDefinition Shortfall = new("M20.R1", "tax_returns", "declared < delivered * 0.8")
    {
        Window = new WindowDefinition("station", "period", 0, "TRUE") { Consecutive = 3 },
    };

    [Fact]
    public async Task YearMonth_IsReadInItsCommonForms_AndShownAsYearDashMonth()
    {
        string csv = "station,period,declared,delivered\n"
            + "91370281MA3C0XYZ1K,2024-03,1,2\n"
            + "91370281MA3C0XYZ1K,2024/4,1,2\n"
            + "91370281MA3C0XYZ1K,202405,1,2\n"
            + "91370281MA3C0XYZ1K,2024年6月,1,2\n"
            + "91370281MA3C0XYZ1K,2024-13,1,2\n";
        RuleSet rules = new RuleSetBuilder().AddDataset(Returns)
            .AddRule(new RuleDefinition("R", "tax_returns", "period >= DATE '2024-04-01'") { Clue = new ClueSpec { Evidence = ["period"] } })
            .Build();

        (List<Clue> clues, RunSummary summary) = await Run(rules, csv, new RunOptions());

        Assert.Equal(["2024-04", "2024-05", "2024-06"], clues.Select(c => c.Evidence.Single(e => e.Field == "period").Value));
        RecordRejection bad = Assert.Single(summary.Rejections);
        Assert.Equal(6, bad.Line);
        Assert.Equal("period", bad.Field);
        Assert.Contains("year and month", bad.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("year_month(paid_on) = period", true)]
    [InlineData("year_month(paid_at) = DATE '2024-03-01'", true)]
    [InlineData("date(paid_at) = DATE '2024-03-31'", true)]
    [InlineData("date_add(period, 1, 'month') = DATE '2024-04-01'", true)]
    [InlineData("date_add(period, -3, 'month') = DATE '2023-12-01'", true)]
    [InlineData("months_between(period, DATE '2025-03-01') = 12", true)]
    [InlineData("year_month(paid_on) > period", false)]
    public async Task MonthFunctions_GiveCalendarMonths(string condition, bool matches)
    {
        DatasetSchema payments = DatasetSchema.Create("payments")
            .Add("person_id", FieldType.IdNumber).Add("period", FieldType.YearMonth).Add("paid_on", FieldType.Date).Add("paid_at", FieldType.DateTime)
            .Build();
        RuleSet rules = new RuleSetBuilder().AddDataset(payments).AddRule(new RuleDefinition("R", "payments", condition)).Build();

        (List<Clue> clues, _) = await Run(rules, "person_id,period,paid_on,paid_at\n11010519491231002X,2024年3月,2024-03-31,2024-03-31 23:59:59\n", new RunOptions(), payments);

        Assert.Equal(matches ? 1 : 0, clues.Count);
    }

    [Fact]
    public async Task ConsecutiveMonths_GiveOneClueForEachLongEnoughRun_AcrossTheTurnOfTheYear()
    {
        string csv = "station,period,declared,delivered\n"
            + Row("A", "2024-01", short_: true) + Row("A", "2024-02", short_: true) + Row("A", "2024-03", short_: true) + Row("A", "2024-04", short_: false)
            + Row("B", "2024-01", short_: true) + Row("B", "2024-02", short_: true) + Row("B", "2024-04", short_: true) + Row("B", "2024-05", short_: true)
            + Row("C", "2023-11", short_: true) + Row("C", "2023-12", short_: true) + Row("C", "2024-01", short_: true) + Row("C", "2024-01", short_: true);
        RuleSet rules = new RuleSetBuilder().AddDataset(Returns).AddRule(Shortfall).Build();

        (List<Clue> clues, _) = await Run(rules, csv, new RunOptions());

        Assert.Equal(["A 2024-01..2024-03 3", "C 2023-11..2024-01 4"], clues.Select(Describe).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ConsecutiveMonths_MatchAStraightforwardCount_InAnyOrderThroughSpills_AndInArrivalOrderWhenSortedByMonth()
    {
        List<(string Station, DateOnly Month, string Row)> rows = GenerateReturns(seed: 11);
        string Csv(IEnumerable<string> lines) => "station,period,declared,delivered\n" + string.Concat(lines);
        string[] shuffled = [.. rows.Select(r => r.Row)];
        new Random(12).Shuffle(shuffled);
        RuleSet rules = new RuleSetBuilder().AddDataset(Returns).AddRule(Shortfall).Build();

        string[] byMonth = [.. rows.OrderBy(r => r.Month).Select(r => r.Row)];
        (List<Clue> sorted, _) = await Run(rules, Csv(byMonth), new RunOptions());
        (List<Clue> spilled, RunSummary spilledSummary) = await Run(rules, Csv(shuffled), new RunOptions { WindowSortBufferRecords = 100 });
        (List<Clue> arrival, RunSummary arrivalSummary) = await Run(rules, Csv(byMonth), new RunOptions { WindowOrder = WindowOrder.Arrival, WindowLatenessDays = 0 });

        List<string> expected = ExpectedRuns(rows, length: 3);
        Assert.True(expected.Count >= 10, $"The generated data should plant enough runs; it gave {expected.Count}.");
        Assert.Equal(expected, sorted.Select(Describe).Order(StringComparer.Ordinal));
        Assert.Equal(expected, spilled.Select(Describe).Order(StringComparer.Ordinal));
        Assert.Equal(expected, arrival.Select(Describe).Order(StringComparer.Ordinal));
        Assert.True(spilledSummary.WindowSortsPerRule["M20.R1"].SpilledRuns >= 2);
        Assert.Equal(0, arrivalSummary.RuleErrors);
    }

    [Fact]
    public async Task ConsecutiveMonths_InArrivalOrder_ReportARecordForAClosedRunAsLate()
    {
        string csv = "station,period,declared,delivered\n"
            + Row("A", "2024-01", short_: true) + Row("A", "2024-02", short_: true) + Row("A", "2024-05", short_: true) + Row("A", "2024-03", short_: true);
        RuleSet rules = new RuleSetBuilder().AddDataset(Returns).AddRule(Shortfall).Build();

        (_, RunSummary summary) = await Run(rules, csv, new RunOptions { WindowOrder = WindowOrder.Arrival, WindowLatenessDays = 0 });

        RecordRejection late = Assert.Single(summary.Rejections);
        Assert.Equal(DiagnosticIds.LateRecord, late.Code);
        Assert.Equal(5, late.Line);
    }

    [Fact]
    public async Task ConsecutiveDays_WithHaving_JudgeTheRunsRecordsTogether()
    {
        DatasetSchema stays = DatasetSchema.Create("stays").Add("person_id", FieldType.IdNumber).Add("day", FieldType.Date).Add("amount", FieldType.Decimal).Key("person_id").Build();
        string csv = "person_id,day,amount\n"
            + "11010519491231002X,2024-02-28,50\n11010519491231002X,2024-02-29,50\n11010519491231002X,2024-03-01,50\n"
            + "370101190102039973,2024-03-01,10\n370101190102039973,2024-03-02,10\n370101190102039973,2024-03-03,10\n";
        RuleSet rules = new RuleSetBuilder().AddDataset(stays)
            .AddRule(new RuleDefinition("R", "stays", "TRUE") { Window = new WindowDefinition("person_id", "day", 0, "sum(amount) >= 100") { Consecutive = 3 } })
            .Build();

        (List<Clue> clues, _) = await Run(rules, csv, new RunOptions(), stays);

        Clue clue = Assert.Single(clues);
        Assert.Equal("11010519491231002X", clue.SubjectKey);
        Assert.Equal(150m, clue.Evidence.Single(e => e.Field == "sum(amount)").Value);
        Assert.Equal(new DateOnly(2024, 3, 1), clue.Evidence.Single(e => e.Field == "episode_end").Value);
    }

    [Fact]
    public async Task MonthWindow_CountsRecordsAtMostThatManyMonthsApart()
    {
        string csv = "station,period,declared,delivered\n"
            + Row("A", "2024-01", short_: true) + Row("A", "2024-02", short_: true) + Row("A", "2024-03", short_: true)
            + Row("B", "2024-01", short_: true) + Row("B", "2024-04", short_: true) + Row("B", "2024-05", short_: true);
        RuleSet rules = new RuleSetBuilder().AddDataset(Returns)
            .AddRule(new RuleDefinition("R", "tax_returns", "declared < delivered") { Window = new WindowDefinition("station", "period", 0, "count() >= 3") { Months = 2 } })
            .Build();

        (List<Clue> clues, _) = await Run(rules, csv, new RunOptions());

        Assert.Equal(["A 2024-01..2024-03 3"], clues.Select(Describe));
    }

    [Theory]
    [InlineData("period", 30, null, null, "so its span is in months")]
    [InlineData("period", 0, null, null, "so its span is in months")]
    [InlineData("period", 0, 2, 3, "has both a span and 'consecutive'")]
    [InlineData("period", 0, null, 0, "fewer than 1 consecutive period")]
    [InlineData("station", 0, null, 3, "must be a date, datetime or year_month field")]
    [InlineData(null, 0, null, 3, "takes no months or consecutive periods")]
    public void WindowSpan_ThatDoesNotFitItsField_IsATypeMismatch(string? over, int days, int? months, int? consecutive, string message)
    {
        var rule = new RuleDefinition("R", "tax_returns", "TRUE") { Window = new WindowDefinition("station", over, days, "TRUE") { Months = months, Consecutive = consecutive } };

        var error = Assert.Throws<RuleCompilationException>(() => new RuleSetBuilder().AddDataset(Returns).AddRule(rule).Build());

        Diagnostic diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticIds.TypeMismatch, diagnostic.Id);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MonthSpan_OverADate_IsATypeMismatch()
    {
        DatasetSchema stays = DatasetSchema.Create("stays").Add("person_id", FieldType.IdNumber).Add("day", FieldType.Date).Key("person_id").Build();
        var rule = new RuleDefinition("R", "stays", "TRUE") { Window = new WindowDefinition("person_id", "day", 0, "count() >= 2") { Months = 1 } };

        var error = Assert.Throws<RuleCompilationException>(() => new RuleSetBuilder().AddDataset(stays).AddRule(rule).Build());

        Assert.Contains("span is in days, not months", Assert.Single(error.Diagnostics).Message, StringComparison.Ordinal);
    }

    private static string Row(string station, string month, bool short_) =>
        $"91370281MA3C0XYZ{station}K,{month},{(short_ ? 70 : 95)},100\n";

    /// <summary>Station letter, first and last month and number of records of a clue.</summary>
    private static string Describe(Clue clue) =>
        $"{clue.SubjectKey[16]} {clue.Evidence.Single(e => e.Field == "episode_start").Value}..{clue.Evidence.Single(e => e.Field == "episode_end").Value} {clue.Evidence.Single(e => e.Field == "members").Value}";

    /// <summary>
    /// Two years of monthly returns for 26 stations: each month is missing now and then, and below 80 % of the
    /// deliveries in streaks, so runs of every length (and gaps inside streaks) occur.
    /// </summary>
    private static List<(string Station, DateOnly Month, string Row)> GenerateReturns(int seed)
    {
        var random = new Random(seed);
        var rows = new List<(string, DateOnly, string)>();
        for (char station = 'A'; station <= 'Z'; station++)
        {
            bool shortfall = false;
            for (DateOnly month = new(2023, 1, 1); month < new DateOnly(2025, 1, 1); month = month.AddMonths(1))
            {
                shortfall = random.Next(4) == 0 ? !shortfall : shortfall;
                if (random.Next(10) == 0)
                {
                    continue;
                }

                string text = random.Next(2) == 0 ? month.ToString("yyyy-MM", CultureInfo.InvariantCulture) : month.ToString("yyyy年M月", CultureInfo.InvariantCulture);
                rows.Add((station.ToString(), month, Row(station.ToString(), text, shortfall && random.Next(8) != 0)));
            }
        }

        return rows;
    }

    /// <summary>The runs a plain loop finds: per station, months below 80 % in order, cut at every missing month.</summary>
    private static List<string> ExpectedRuns(List<(string Station, DateOnly Month, string Row)> rows, int length)
    {
        var runs = new List<string>();
        foreach (var station in rows.Where(r => r.Row.Contains(",70,", StringComparison.Ordinal)).GroupBy(r => r.Station))
        {
            DateOnly[] months = [.. station.Select(r => r.Month).Order()];
            int start = 0;
            for (int i = 1; i <= months.Length; i++)
            {
                if (i == months.Length || months[i] != months[i - 1].AddMonths(1))
                {
                    if (i - start >= length)
                    {
                        runs.Add($"{station.Key} {months[start]:yyyy-MM}..{months[i - 1]:yyyy-MM} {i - start}");
                    }

                    start = i;
                }
            }
        }

        return [.. runs.Order(StringComparer.Ordinal)];
    }

    private static async Task<(List<Clue> Clues, RunSummary Summary)> Run(RuleSet rules, string csv, RunOptions options, DatasetSchema? schema = null)
    {
        var sink = new CollectingSink();
        RunSummary summary = await rules.RunAsync(RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), schema ?? Returns), sink, options with { RevealPersonalData = true });
        return (sink.Clues, summary);
    }
}
