using System.Globalization;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.Evaluation;

/// <summary>
/// Rules that all ask the same costly test — a regular expression over the case number — with no equality to index
/// them, through the public matcher over host objects: the matcher evaluates them together, 64 to a method, and
/// answers the shared test once per object; the hand-written baseline is a lambda per rule, each running the
/// expression itself.
/// </summary>
[MemoryDiagnoser]
public class SharedTestBenchmarks
{
    private const int RecordCount = 20_000;
    private const string Pattern = "^[(（]20[0-9]{2}[)）].*刑初[0-9]+号$";
    private CaseRecord[] _objects = [];
    private Func<CaseRecord, bool>[] _lambdas = [];
    private RuleMatcher<CaseRecord> _matcher = null!;
    private int[] _matched = [];

    /// <summary>Gets or sets how many rules share the test.</summary>
    [Params(20)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _objects = CaseWorkload.Records(RecordCount);
        var regex = new Regex(Pattern, RegexOptions.CultureInvariant);
        _lambdas = [.. Enumerable.Range(0, Rules).Select(i => (Func<CaseRecord, bool>)(r => regex.IsMatch(r.CaseNo) && r.Amount > i * 1000))];
        _matcher = new RuleSetBuilder()
            .AddDataset(DatasetSchema.FromType<CaseRecord>("cases"))
            .AddRules(Enumerable.Range(0, Rules).Select(i => new RuleDefinition(
                "R" + i.ToString(CultureInfo.InvariantCulture), "cases", string.Create(CultureInfo.InvariantCulture, $"regexp_like(case_no, '{Pattern}') AND amount > {i * 1000}"))))
            .Build()
            .CreateMatcher<CaseRecord>("cases");
        _matcher.Tune(_objects.Take(RuleMatcher<CaseRecord>.SampleSize));
        _matched = new int[Rules];
        if (Matcher() != HandWrittenLambda() || Matcher() == 0)
        {
            throw new InvalidOperationException("The matcher and the lambdas disagree on the matches.");
        }
    }

    [Benchmark(Baseline = true, Description = "Hand-written lambda per rule")]
    public int HandWrittenLambda() => MatchingLoops.Lambdas(_objects, _lambdas);

    [Benchmark(Description = "RuleEngine matcher (the test answered once)")]
    public int Matcher() => MatchingLoops.Matcher(_objects, _matcher, _matched);
}
