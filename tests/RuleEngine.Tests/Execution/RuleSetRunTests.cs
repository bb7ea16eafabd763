using System.Globalization;
using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

public class RuleSetRunTests
{
    private const string Header = "case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n";

    [Fact]
    public async Task RunAsync_MixedInput_CountsReadMatchedRejectedAndCluesPerRule()
    {
        RuleSet rules = TestRules.Build(
            TestRules.Rule("cause = '民间借贷纠纷' AND amount >= 10000", "LEND"),
            TestRules.Rule("bac >= 80", "DUI"),
            TestRules.Rule("months > 1000", "NEVER"));
        string csv = Header
            + "A1,民间借贷纠纷,11010519491231002X,张三丰,13800138000,30000,,,,2016-11-09,\n"
            + "A2,民间借贷纠纷,11010519491231002X,张三丰,,500,90,,,2016-11-10,\n"
            + "A3,民间借贷纠纷,,,,abc,,,,2016-11-10,\n"
            + "A4,借款合同纠纷,370101190102039973,李四,,30000,,,,2016-11-11,\n";
        var (clues, summary) = await TestRules.RunAsync(rules, TestRules.Csv(csv));

        Assert.Equal(["LEND", "DUI"], clues.Select(c => c.RuleId));
        Assert.Equal((4L, 2L, 1L, 0L, 2L), (summary.RecordsRead, summary.RecordsMatched, summary.RecordsRejected, summary.RuleErrors, summary.CluesEmitted));
        Assert.Equal(new Dictionary<string, long> { ["DUI"] = 1, ["LEND"] = 1, ["NEVER"] = 0 }, summary.CluesPerRule);
        Assert.Equal(4L, summary.RecordsReadPerDataset["judgments"]);
        RecordRejection rejection = Assert.Single(summary.Rejections);
        Assert.Equal(("judgments", 4L, "amount", DiagnosticIds.InvalidValue, false), (rejection.Dataset, rejection.Line, rejection.Field, rejection.Code, rejection.IsWarning));
        Assert.False(summary.StoppedByPolicy);
        Assert.StartsWith("Records read 4, matched 2, rejected 1, rule errors 0, field warnings 0; clues 2 (0 repeated); ", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RuleFailsOnARecord_ReportsNotEvaluatedAndOtherRulesStillRun()
    {
        RuleSet rules = TestRules.Build(
            TestRules.Rule("amount / months > 100", "RATIO"),
            TestRules.Rule("amount > 0", "ANY"));
        string csv = Header + "A1,c,,,,1000,,0,,,\n" + "A2,c,,,,1000,,2,,,\n";
        var (clues, summary) = await TestRules.RunAsync(rules, TestRules.Csv(csv));

        Assert.Equal(["ANY", "RATIO", "ANY"], clues.Select(c => c.RuleId));
        Assert.Equal(1L, summary.RuleErrors);
        RecordRejection error = Assert.Single(summary.Rejections);
        Assert.Equal(("RATIO", 2L, DiagnosticIds.DivisionByZero), (error.RuleId, error.Line, error.Code));
        Assert.Equal(2L, summary.RecordsMatched);
    }

    [Fact]
    public async Task RunAsync_StopPolicy_StopsAtTheFirstBadRecordAfterEmittingEarlierClues()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 0"));
        string csv = Header + "A1,c,,,,1,,,,,\n" + "A2,c,,,,x,,,,,\n" + "A3,c,,,,3,,,,,\n";
        var sink = new CollectingSink();
        var error = await Assert.ThrowsAsync<BadRecordLimitExceededException>(() => rules.RunAsync(TestRules.Csv(csv), sink, new RunOptions { BadRecords = BadRecordPolicy.Stop }));

        Assert.Equal(2L, Assert.Single(sink.Clues).Line);
        Assert.True(error.Summary.StoppedByPolicy);
        Assert.Equal((2L, 1L), (error.Summary.RecordsRead, error.Summary.RecordsRejected));
        Assert.Contains("judgments:3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task RunAsync_StopAfterN_ToleratesNFailuresAtAnyParallelism(int parallelism)
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 0"));
        var csv = new StringBuilder(Header);
        for (int i = 1; i <= 300; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"A{i},c,,,,{(i % 50 == 0 ? "bad" : i.ToString(CultureInfo.InvariantCulture))},,,,,\n");
        }

        var sink = new CollectingSink();
        var options = new RunOptions { BadRecords = BadRecordPolicy.StopAfter(2), MaxDegreeOfParallelism = parallelism, BatchSize = 7 };
        var error = await Assert.ThrowsAsync<BadRecordLimitExceededException>(() => rules.RunAsync(TestRules.Csv(csv.ToString()), sink, options));

        Assert.Equal(150L, error.Summary.RecordsRead);
        Assert.Equal(3L, error.Summary.RecordsRejected);
        Assert.Equal(147, sink.Clues.Count);
        Assert.Equal(151L, error.Summary.Rejections[^1].Line);
    }

    [Fact]
    public async Task RunAsync_SkipPolicy_ReadsEverything()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 0"));
        string csv = Header + "A1,c,,,,x,,,,,\n" + "A2,c,,,,y,,,,,\n" + "A3,c,,,,3,,,,,\n";
        var (clues, summary) = await TestRules.RunAsync(rules, TestRules.Csv(csv), new RunOptions { BadRecords = BadRecordPolicy.Skip });
        Assert.Single(clues);
        Assert.Equal((3L, 2L), (summary.RecordsRead, summary.RecordsRejected));
    }

    [Fact]
    public async Task RunAsync_AnyParallelism_GivesByteIdenticalClueFiles()
    {
        RuleSet rules = TestRules.Build(
            TestRules.Rule("amount >= 5000 AND cause IN ('民间借贷纠纷', '借款合同纠纷')", "A"),
            TestRules.Rule("amount % 7 = 0 OR months / (months - 3) > 1", "B"),
            TestRules.Rule("default_judgment AND filing_date >= DATE '2020-06-01'", "C"));
        string csv = GeneratedCsv(20_000, seed: 7);

        string one = await RunToJsonLines(rules, csv, new RunOptions { MaxDegreeOfParallelism = 1, BatchSize = 1024 });
        string many = await RunToJsonLines(rules, csv, new RunOptions { MaxDegreeOfParallelism = 8, BatchSize = 37 });
        string two = await RunToJsonLines(rules, csv, new RunOptions { MaxDegreeOfParallelism = 2, BatchSize = 1 });

        Assert.True(one.Length > 1000);
        Assert.Equal(one, many);
        Assert.Equal(one, two);
    }

    [Fact]
    public async Task RunAsync_SameSubjectAcrossRuns_HasTheSameFingerprint()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 0", "R1"), TestRules.Rule("amount > 1", "R2"));
        string csv = Header + "A1,c,11010519491231002X,,,5,,,,,\n" + "A2,c,11010519491231002X,,,7,,,,,\n" + "A3,c,370101190102039973,,,5,,,,,\n";
        var (first, _) = await TestRules.RunAsync(rules, TestRules.Csv(csv));
        var (second, _) = await TestRules.RunAsync(rules, TestRules.Csv(csv), new RunOptions { RevealPersonalData = true });
        var (otherKey, _) = await TestRules.RunAsync(rules, TestRules.Csv(csv), new RunOptions { FingerprintKey = "host secret"u8.ToArray() });

        Assert.Equal(first.Select(c => c.Fingerprint), second.Select(c => c.Fingerprint));
        Assert.Equal(first[0].Fingerprint, first[2].Fingerprint);
        Assert.NotEqual(first[0].Fingerprint, first[1].Fingerprint);
        Assert.NotEqual(first[0].Fingerprint, first[4].Fingerprint);
        Assert.All(first.Zip(otherKey), pair => Assert.NotEqual(pair.First.Fingerprint, pair.Second.Fingerprint));
        Assert.Matches("^[0-9a-f]{32}$", first[0].Fingerprint);
    }

    [Fact]
    public async Task RunAsync_PersonalFields_AreMaskedUnlessRevealed()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 0") with
        {
            Clue = new ClueSpec { Title = "{plaintiff_name}（{plaintiff_id}）起诉", Evidence = ["plaintiff_id", "plaintiff_name", "phone", "amount"] },
        });
        string csv = Header + "A1,c,110105199001011232,张三丰,13800138000,5,,,,,\n";
        var (masked, _) = await TestRules.RunAsync(rules, TestRules.Csv(csv));
        var (revealed, _) = await TestRules.RunAsync(rules, TestRules.Csv(csv), new RunOptions { RevealPersonalData = true });

        Clue clue = Assert.Single(masked);
        Assert.Equal("110105********1232", clue.SubjectKey);
        Assert.Equal("张*丰（110105********1232）起诉", clue.Title);
        Assert.Equal(["110105********1232", "张*丰", "138****8000", 5m], clue.Evidence.Select(e => e.Value));
        string json = JsonLinesClueSink.Format(clue);
        Assert.DoesNotContain("110105199001011232", json, StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", json, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", json, StringComparison.Ordinal);

        Assert.Equal("110105199001011232", revealed[0].SubjectKey);
        Assert.Equal(["110105199001011232", "张三丰", "13800138000", 5m], revealed[0].Evidence.Select(e => e.Value));
    }

    [Fact]
    public async Task RunAsync_Clue_ExplainsEveryLeafAndCarriesEvidenceWithItsLine()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("(cause = '民间借贷纠纷' OR bac >= 80 OR amount / months > 1) AND NOT default_judgment AND amount BETWEEN 1000 AND 50000") with { Version = "2024.1" });
        string csv = Header + "A1,民间借贷纠纷,11010519491231002X,,,30000,,0,false,,\n";
        var (clues, summary) = await TestRules.RunAsync(rules, TestRules.Csv(csv));
        Clue clue = Assert.Single(clues);

        Assert.Equal(("R1", "2024.1", "judgments", 2L), (clue.RuleId, clue.RuleVersion, clue.Dataset, clue.Line));
        Assert.Equal(
            [("cause = '民间借贷纠纷'", (bool?)true, (string?)null), ("bac >= 80", null, null), ("amount / months > 1", null, DiagnosticIds.DivisionByZero), ("NOT default_judgment", true, null), ("amount BETWEEN 1000 AND 50000", true, null)],
            clue.Explanation.Select(o => (o.Condition, o.Value, o.ErrorCode)));
        Assert.Equal(["plaintiff_id", "cause", "amount", "bac", "months", "default_judgment"], clue.Evidence.Select(e => e.Field));
        Assert.All(clue.Evidence, e => Assert.Equal(("judgments", 2L), (e.Dataset, e.Line)));
        Assert.Equal(0L, summary.RuleErrors);
    }

    [Fact]
    public async Task EvaluateAsync_YieldsCluesInInputOrder()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount % 3 = 0"));
        List<Clue> clues = [];
        await foreach (Clue clue in rules.EvaluateAsync(TestRules.Csv(GeneratedCsv(3000, seed: 1)), new RunOptions { BatchSize = 16 }))
        {
            clues.Add(clue);
        }

        Assert.NotEmpty(clues);
        Assert.Equal(clues.Select(c => c.Line).Order(), clues.Select(c => c.Line));
    }

    [Fact]
    public async Task EvaluateAsync_StopPolicy_SurfacesTheException()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 0"));
        string csv = Header + "A1,c,,,,1,,,,,\n" + "A2,c,,,,x,,,,,\n";
        await Assert.ThrowsAsync<BadRecordLimitExceededException>(async () =>
        {
            await foreach (Clue _ in rules.EvaluateAsync(TestRules.Csv(csv), new RunOptions { BadRecords = BadRecordPolicy.Stop }))
            {
            }
        });
    }

    [Fact]
    public async Task EvaluateAsync_ConsumerStopsEarly_EndsTheRun()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount >= 0"));
        int seen = 0;
        await foreach (Clue _ in rules.EvaluateAsync(TestRules.Csv(GeneratedCsv(50_000, seed: 3))))
        {
            if (++seen == 10)
            {
                break;
            }
        }

        Assert.Equal(10, seen);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsOperationCanceled()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount >= 0"));
        using var cancellation = new CancellationTokenSource();
        var sink = new CancellingSink(cancellation, after: 5);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rules.RunAsync(TestRules.Csv(GeneratedCsv(50_000, seed: 5)), sink, cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task RunAsync_UndeclaredDatasetOrDifferentSchema_IsAnArgumentError()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 0"));
        var other = RuleEngine.Schema.DatasetSchema.Create("judgments").Add("amount", RuleEngine.Schema.FieldType.Decimal).Build();
        var unknown = RuleEngine.Schema.DatasetSchema.Create("licences").Add("amount", RuleEngine.Schema.FieldType.Decimal).Build();
        await Assert.ThrowsAsync<ArgumentException>(() => rules.RunAsync(TestRules.Csv("amount\n1\n", other), new CollectingSink()));
        await Assert.ThrowsAsync<ArgumentException>(() => rules.RunAsync(TestRules.Csv("amount\n1\n", unknown), new CollectingSink()));
    }

    [Fact]
    public async Task RunAsync_JsonLinesSink_WritesOneDeterministicLinePerClue()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 0") with { Clue = new ClueSpec { Title = "案件 {case_no}", Evidence = ["case_no", "amount", "filing_date", "defendants", "bac"] } });
        string csv = Header + "(2016)浙0624民初1234号,c,11010519491231002X,,,30000.50,,,,2016-11-09,李四;王五\n";
        string json = await RunToJsonLines(rules, csv, new RunOptions());
        Assert.Equal(
            """{"rule":"R1","version":"1","dataset":"judgments","line":2,"subject":"110105********002X","fingerprint":"FP","title":"案件 （2016）浙0624民初1234号","severity":"medium","evidence":[{"field":"case_no","value":"（2016）浙0624民初1234号","dataset":"judgments","line":2},{"field":"amount","value":30000.50,"dataset":"judgments","line":2},{"field":"filing_date","value":"2016-11-09","dataset":"judgments","line":2},{"field":"defendants","value":["李四","王五"],"dataset":"judgments","line":2},{"field":"bac","value":null,"dataset":"judgments","line":2}],"explanation":[{"condition":"amount > 0","value":true}]}""" + "\n",
            System.Text.RegularExpressions.Regex.Replace(json, "\"fingerprint\":\"[0-9a-f]{32}\"", "\"fingerprint\":\"FP\""));
    }

    internal static string GeneratedCsv(int rows, int seed)
    {
        var random = new Random(seed);
        string[] causes = ["民间借贷纠纷", "借款合同纠纷", "买卖合同纠纷", "盗窃罪"];
        var csv = new StringBuilder(Header);
        for (int i = 0; i < rows; i++)
        {
            string amount = random.Next(20) == 0 ? "n/a" : random.Next(0, 20000).ToString(CultureInfo.InvariantCulture);
            string months = random.Next(5) == 0 ? string.Empty : random.Next(0, 8).ToString(CultureInfo.InvariantCulture);
            string date = new DateOnly(2019, 1, 1).AddDays(random.Next(0, 1500)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"A{i},{causes[random.Next(causes.Length)]},11010519491231002X,张三,,{amount},,{months},{(random.Next(2) == 0 ? "true" : "false")},{date},\n");
        }

        return csv.ToString();
    }

    private static async Task<string> RunToJsonLines(RuleSet rules, string csv, RunOptions options)
    {
        using var output = new MemoryStream();
        await using (var sink = new JsonLinesClueSink(output))
        {
            await rules.RunAsync(TestRules.Csv(csv), sink, options);
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    private sealed class CancellingSink(CancellationTokenSource cancellation, int after) : IClueSink
    {
        private int _count;

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            if (++_count == after)
            {
                cancellation.Cancel();
            }

            return ValueTask.CompletedTask;
        }
    }
}
