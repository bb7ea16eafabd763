using System.Globalization;
using System.Text;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>Progress counts all of a run's work — loading reference datasets for joins as well — as one fraction of all input.</summary>
public class ProgressTests
{
    private static readonly DatasetSchema Payments = DatasetSchema.Create("payments")
        .Add("person_id", FieldType.String).Add("paid_on", FieldType.Date).Add("amount", FieldType.Decimal).Key("person_id").Build();

    private static readonly DatasetSchema Deaths = DatasetSchema.Create("deaths")
        .Add("person_id", FieldType.String).Add("death_date", FieldType.Date).Key("person_id").Build();

    private static readonly RuleDefinition PaidAfterDeath = new("R1", "payments", "paid_on > d.death_date")
    {
        Joins = [new JoinDefinition("deaths", "d", JoinKind.Inner) { On = [("person_id", "person_id")] }],
    };

    [Fact]
    public async Task Loading_references_reports_progress_and_the_overall_fraction_rises_to_one_across_all_sources()
    {
        byte[] deaths = Encoding.UTF8.GetBytes("person_id,death_date\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => string.Create(CultureInfo.InvariantCulture, $"P{i},2024-01-{1 + (i % 28):00}\n"))));
        byte[] payments = Encoding.UTF8.GetBytes("person_id,paid_on,amount\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => string.Create(CultureInfo.InvariantCulture, $"P{i * 3},2024-02-01,{i % 900}\n"))));
        var progress = new Collecting();
        RuleSet rules = new RuleSetBuilder().AddDataset(Payments).AddDataset(Deaths).AddRule(PaidAfterDeath).Build();

        await rules.RunAsync([RecordSource.Csv(new MemoryStream(payments), Payments), RecordSource.Csv(new MemoryStream(deaths), Deaths)], new CollectingSink(), new RunOptions { Progress = progress, BatchSize = 256 });

        List<RunProgress> reports = progress.Reports;
        int firstPayment = reports.FindIndex(r => r.Dataset == "payments");
        Assert.True(firstPayment > 0, "The references load first, and say so.");
        Assert.All(reports[..firstPayment], r => Assert.True(r.LoadingReferences && r.Dataset == "deaths"));
        Assert.All(reports[firstPayment..], r => Assert.False(r.LoadingReferences));
        double?[] fractions = [.. reports.Select(r => r.OverallFraction)];
        Assert.All(fractions, f => Assert.InRange(f!.Value, 0, 1));
        Assert.Equal(fractions.Order(), fractions);
        Assert.True(fractions[firstPayment] >= (double)deaths.Length / (deaths.Length + payments.Length) - 1e-9, "Once the references are loaded, their share of the input is done.");
        Assert.Equal(1.0, fractions[^1]!.Value, precision: 6);
    }

    [Fact]
    public async Task A_source_of_unknown_size_leaves_the_overall_fraction_unknown()
    {
        var progress = new Collecting();
        RecordSource objects = RecordSource.FromObjects("deaths", Enumerable.Range(0, 2000).Select(i => new Death($"P{i}", new DateOnly(2024, 1, 1 + (i % 28)))));
        RuleSet rules = new RuleSetBuilder().AddDataset(objects.Schema).AddRule(new RuleDefinition("R", "deaths", "TRUE")).Build();

        await rules.RunAsync(objects, new CollectingSink(), new RunOptions { Progress = progress, BatchSize = 256 });

        Assert.NotEmpty(progress.Reports);
        Assert.All(progress.Reports, r => Assert.Null(r.OverallFraction));
    }

    private sealed record Death(string PersonId, DateOnly DeathDate);

    private sealed class Collecting : IProgress<RunProgress>
    {
        public List<RunProgress> Reports { get; } = [];

        public void Report(RunProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }
}
