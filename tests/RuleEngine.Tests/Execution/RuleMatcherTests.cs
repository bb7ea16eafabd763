using System.Globalization;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

public class RuleMatcherTests
{
    /// <summary>A host's own type: nullable values, a date held as <see cref="DateTime"/>, a list of tags.</summary>
    public sealed class Filing
    {
        public required string Cause { get; init; }

        public string? Court { get; init; }

        public decimal? Amount { get; init; }

        public int Months { get; init; }

        public double Bac { get; init; }

        public bool? Detained { get; init; }

        public DateOnly Filed { get; init; }

        [DatasetField(Type = FieldType.Date)]
        public DateTime Judged { get; init; }

        public string[]? Tags { get; init; }
    }

    private static readonly string[] Causes = ["盗窃罪", "诈骗罪", "危险驾驶罪", "民间借贷纠纷"];

    [Theory]
    [InlineData(10)]
    [InlineData(200)]
    public async Task Matcher_GivesEachObjectTheRulesARunRaisesCluesFor(int ruleCount)
    {
        var random = new Random(ruleCount);
        RuleSet rules = Build([.. Enumerable.Range(0, ruleCount).Select(i => new RuleDefinition(Id(i), "filings", RandomCondition(random)))]);
        Filing[] filings = [.. Enumerable.Range(0, 3000).Select(_ => RandomFiling(random))];

        await AssertMatcherGivesWhatARunGivesAsync(rules, filings);
    }

    [Fact]
    public async Task Matcher_OverRulesNoIndexNarrows_EvaluatesThemTogether_AndGivesWhatARunGives()
    {
        // More than 64 rules, none of them with a key an index can use: they are compiled 64 to a method.
        var random = new Random(11);
        string Leaf() => random.Next(4) switch
        {
            0 => $"court <> '法院{random.Next(8)}'",
            1 => $"(amount IS NULL OR months < {random.Next(1, 24)})",
            2 => $"contains(court, '{random.Next(8)}')",
            _ => $"months <> {random.Next(0, 25)}",
        };
        RuleSet rules = Build([.. Enumerable.Range(0, 130).Select(i => new RuleDefinition(Id(i), "filings", $"{Leaf()} AND {Leaf()} AND {Leaf()}"))]);
        Filing[] filings = [.. Enumerable.Range(0, 1500).Select(_ => RandomFiling(random))];
        Assert.Equal(130, rules.Compiled("filings").Dispatch.Unfiled);

        await AssertMatcherGivesWhatARunGivesAsync(rules, filings);
    }

    [Fact]
    public void ARuleThatFails_AmongRulesEvaluatedTogether_IsTheOneNamed()
    {
        RuleSet rules = Build(
            new RuleDefinition("first", "filings", "months <> 1"),
            new RuleDefinition("overflow", "filings", "months * 9223372036854775807 > 1"),
            new RuleDefinition("last", "filings", "court <> '法院1'"));
        RuleMatcher<Filing> matcher = rules.CreateMatcher<Filing>("filings");

        var error = Assert.Throws<RuleEvaluationException>(() => matcher.Match(new Filing { Cause = "盗窃罪", Months = 3 }, new int[3]));

        Assert.Equal("overflow", error.RuleId);
        Assert.Equal(2, matcher.Match(new Filing { Cause = "盗窃罪", Court = "法院2", Months = 0 }, new int[3]));
    }

    private static async Task AssertMatcherGivesWhatARunGivesAsync(RuleSet rules, Filing[] filings)
    {
        RuleMatcher<Filing> matcher = rules.CreateMatcher<Filing>("filings");
        Assert.False(matcher.IsTuned);

        var sink = new CollectingSink();
        await rules.RunAsync(RecordSource.FromObjects("filings", filings), sink);
        string[] expected = [.. sink.Clues.Select(c => $"{c.Line}:{c.RuleId}")];

        int[] matched = new int[matcher.RuleIds.Count];
        var actual = new List<string>();
        for (int i = 0; i < filings.Length; i++)
        {
            int count = matcher.Match(filings[i], matched);
            actual.AddRange(matched[..count].Select(r => $"{i + 1}:{matcher.RuleIds[r]}"));
        }

        Assert.True(expected.Length > 200, $"only {expected.Length} clues");
        Assert.Equal(expected, actual);
        Assert.True(matcher.IsTuned, "the first objects matched should have tuned the index");
    }

    [Fact]
    public void Matcher_AfterItsSample_AllocatesNothingPerObject()
    {
        var random = new Random(3);
        RuleSet rules = Build([.. Enumerable.Range(0, 100).Select(i => new RuleDefinition(Id(i), "filings", RandomCondition(random)))]);
        Filing[] filings = [.. Enumerable.Range(0, 2000).Select(_ => RandomFiling(random))];
        RuleMatcher<Filing> matcher = rules.CreateMatcher<Filing>("filings");
        int[] matched = new int[matcher.RuleIds.Count];
        foreach (Filing filing in filings)
        {
            matcher.Match(filing, matched);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int matches = 0;
        foreach (Filing filing in filings)
        {
            matches += matcher.Match(filing, matched);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(matches > 0);
    }

    [Fact]
    public void Matcher_UsedFromManyThreads_GivesWhatItGivesOnOne()
    {
        var random = new Random(5);
        RuleSet rules = Build([.. Enumerable.Range(0, 60).Select(i => new RuleDefinition(Id(i), "filings", RandomCondition(random)))]);
        Filing[] filings = [.. Enumerable.Range(0, 4000).Select(_ => RandomFiling(random))];
        RuleMatcher<Filing> matcher = rules.CreateMatcher<Filing>("filings");
        var parallel = new string[filings.Length];
        Parallel.For(0, filings.Length, () => new int[matcher.RuleIds.Count], (i, _, matched) =>
        {
            parallel[i] = string.Join(',', matched[..matcher.Match(filings[i], matched)]);
            return matched;
        }, _ => { });

        int[] buffer = new int[matcher.RuleIds.Count];
        Assert.Equal(filings.Select(f => string.Join(',', buffer[..matcher.Match(f, buffer)])), parallel);
    }

    [Fact]
    public void DateTimeProperty_DeclaredAsDate_IsComparedAsADateWithoutCast()
    {
        RuleSet rules = Build(new RuleDefinition("late", "filings", "judged >= DATE '2024-03-01' AND days_between(filed, judged) > 30"));
        RuleMatcher<Filing> matcher = rules.CreateMatcher<Filing>("filings");
        int[] matched = new int[1];
        Filing Judged(DateTime judged) => new() { Cause = "盗窃罪", Filed = new DateOnly(2024, 1, 1), Judged = judged };
        Assert.Equal(1, matcher.Match(Judged(new DateTime(2024, 3, 1, 23, 59, 0, DateTimeKind.Unspecified)), matched));
        Assert.Equal(0, matcher.Match(Judged(new DateTime(2024, 2, 29, 23, 59, 0, DateTimeKind.Unspecified)), matched));
    }

    [Fact]
    public void ARuleThatFails_ThrowsNamingTheRuleAndItsCode_NotTheValue()
    {
        RuleSet rules = Build(new RuleDefinition("overflow", "filings", "months * 9223372036854775807 > 1"));
        RuleMatcher<Filing> matcher = rules.CreateMatcher<Filing>("filings");
        var error = Assert.Throws<RuleEvaluationException>(() => matcher.Match(new Filing { Cause = "盗窃罪", Months = 3123457 }, new int[1]));
        Assert.Equal("overflow", error.RuleId);
        Assert.StartsWith("RE", error.Code, StringComparison.Ordinal);
        Assert.DoesNotContain("3123457", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RulesThatNeedAWholeRun_AndBadArguments_AreRefusedClearly()
    {
        RuleSet window = Build(new RuleDefinition("many", "filings", "amount > 0") { Window = new WindowDefinition("cause", "filed", 30, "count() >= 3") });
        Assert.Contains("many", Assert.Throws<ArgumentException>(() => window.CreateMatcher<Filing>("filings")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => window.CreateMatcher<Filing>("nothing"));

        RuleSet rules = Build(new RuleDefinition("R", "filings", "amount > 0"), new RuleDefinition("S", "filings", "months > 0"));
        Assert.Throws<ArgumentException>(() => rules.CreateMatcher<Filing>("filings").Match(new Filing { Cause = "x" }, new int[1]));
        Assert.Contains("cause", Assert.Throws<ArgumentException>(() => rules.CreateMatcher<Unrelated>("filings")).Message, StringComparison.Ordinal);
    }

    public sealed class Unrelated
    {
        public int Other { get; init; }
    }

    private static RuleSet Build(params RuleDefinition[] rules) =>
        new RuleSetBuilder().AddDataset(DatasetSchema.FromType<Filing>("filings")).AddRules(rules).Build();

    private static string Id(int i) => string.Create(CultureInfo.InvariantCulture, $"R{i:000}");

    private static string RandomCondition(Random random)
    {
        string Leaf() => random.Next(13) switch
        {
            0 => $"cause = '{Causes[random.Next(Causes.Length)]}'",
            1 => $"cause IN ('{Causes[random.Next(Causes.Length)]}', '{Causes[random.Next(Causes.Length)]}')",
            2 => $"court {(random.Next(2) == 0 ? "=" : "<>")} '法院{random.Next(6)}'",
            3 => $"amount >= {random.Next(0, 20000)}",
            4 => $"amount BETWEEN {random.Next(0, 10000)} AND {random.Next(5000, 20000)}",
            5 => $"months {(random.Next(2) == 0 ? ">" : "=")} {random.Next(0, 24)}",
            6 => $"bac > {random.Next(0, 200) / 100.0:0.00}",
            7 => random.Next(2) == 0 ? "detained" : "NOT detained",
            8 => $"filed >= DATE '2023-{random.Next(1, 13):00}-01'",
            9 => $"judged < DATE '2024-{random.Next(1, 13):00}-01'",
            10 => $"array_contains(tags, 'T{random.Next(5)}')",
            11 => $"starts_with(court, '法院{random.Next(4)}')",
            _ => $"(amount IS NULL OR months < {random.Next(1, 12)})",
        };
        string Part() => random.Next(5) == 0 ? $"({Leaf()} OR NOT {Leaf()})" : Leaf();
        return string.Join(" AND ", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Part()));
    }

    private static Filing RandomFiling(Random random)
    {
        DateOnly filed = new DateOnly(2023, 1, 1).AddDays(random.Next(0, 500));
        return new Filing
        {
            Cause = Causes[random.Next(Causes.Length)],
            Court = random.Next(10) == 0 ? null : "法院" + random.Next(8).ToString(CultureInfo.InvariantCulture),
            Amount = random.Next(10) == 0 ? null : random.Next(0, 2_000_000) / 100m,
            Months = random.Next(0, 25),
            Bac = random.Next(0, 250) / 100.0,
            Detained = random.Next(8) == 0 ? null : random.Next(2) == 0,
            Filed = filed,
            Judged = filed.AddDays(random.Next(0, 300)).ToDateTime(new TimeOnly(random.Next(24), 0)),
            Tags = random.Next(6) == 0 ? null : [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => "T" + random.Next(6).ToString(CultureInfo.InvariantCulture))],
        };
    }
}
