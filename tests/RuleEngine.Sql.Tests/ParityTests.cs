using RuleEngine.Records;
using RuleEngine.Sql.Tests.Support;
using Xunit.Abstractions;

namespace RuleEngine.Sql.Tests;

/// <summary>
/// Every sample model, over the same generated data, in-process and pushed down to each SQL back end: the clue sets
/// are identical (rule, subject, fingerprint, line, title, evidence values and their lines, explanation).
/// </summary>
[Trait("Requires", "postgresql")]
public class ParityTests(SampleModels samples, ITestOutputHelper output) : IClassFixture<SampleModels>
{
    public static TheoryData<SqlDialect, bool> Cases => new()
    {
        { SqlDialect.DuckDb, false },
        { SqlDialect.DuckDb, true },
        { SqlDialect.PostgreSql, false },
        { SqlDialect.PostgreSql, true },
    };

    /// <param name="dialect">The back end.</param>
    /// <param name="valuesNormalised">Whether the tables declare their keys normalised (keys compared as they are) or not (through the key normalisation).</param>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EverySampleModel_PushedDown_GivesTheInProcessClues(SqlDialect dialect, bool valuesNormalised)
    {
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        List<SqlTable> tables = await samples.LoadAsync(database, valuesNormalised);
        SqlPlan plan = SqlPlan.Create(samples.Rules, dialect, tables);
        Assert.Empty(plan.Diagnostics);

        var sink = new CollectingSink();
        RunSummary summary = await plan.RunAsync(database.Connection, sink);
        List<string> actual = sink.Canonical();

        output.WriteLine($"{dialect} (values normalised: {valuesNormalised}): {plan.Queries.Count} queries, {actual.Count} clues (in-process {samples.ExpectedClues.Count}) in {summary.Elapsed.TotalMilliseconds:F0} ms");
        string[] missing = [.. samples.ExpectedClues.Except(actual, StringComparer.Ordinal).Take(3)];
        string[] extra = [.. actual.Except(samples.ExpectedClues, StringComparer.Ordinal).Take(3)];
        Assert.True(missing.Length == 0 && extra.Length == 0, $"missing:\n{string.Join("\n", missing)}\nextra:\n{string.Join("\n", extra)}");
        Assert.Equal(samples.ExpectedClues.Count, actual.Count);
        Assert.Equal(samples.InProcessSummary.CluesPerRule, summary.CluesPerRule);
    }

    /// <param name="linesInFile">Whether the files carry each record's original line, or lines are row numbers (both paths must number rows alike).</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EverySampleModel_OnParquetReadInPlaceByDuckDb_GivesTheInProcessParquetClues(bool linesInFile)
    {
        string folder = Directory.CreateTempSubdirectory("re-sql-parquet-").FullName;
        try
        {
            await using TestDatabase database = await TestDatabase.OpenAsync(SqlDialect.DuckDb);
            var tables = new List<SqlTable>();
            var sources = new List<RecordSource>();
            foreach (SqlTable loaded in await samples.LoadAsync(database))
            {
                string file = Path.Combine(folder, loaded.Dataset + ".parquet");
                string columns = linesInFile ? "*" : "* EXCLUDE (_line)";
                await database.ExecuteAsync($"COPY (SELECT {columns} FROM {loaded.Relation} ORDER BY _line) TO '{file}' (FORMAT parquet)");
                tables.Add(SqlTable.DuckDbParquet(loaded.Dataset, file, linesInFile) with { ValuesNormalised = true });
                sources.Add(Columnar.ColumnarSource.Parquet(file, samples.Rules.Datasets[loaded.Dataset]));
            }

            var inProcess = new CollectingSink();
            await samples.Rules.RunAsync(sources, inProcess);
            var pushedDown = new CollectingSink();
            await SqlPlan.Create(samples.Rules, SqlDialect.DuckDb, tables).RunAsync(database.Connection, pushedDown);

            Assert.Equal(samples.ExpectedClues.Count, inProcess.Clues.Count);
            Assert.Equal(inProcess.Canonical(), pushedDown.Canonical());
            if (linesInFile)
            {
                Assert.Equal(samples.ExpectedClues, pushedDown.Canonical());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void EverySampleRule_FiresOnTheGeneratedData()
    {
        // Parity over rules that find nothing would prove little: every rule of every sample model has clues, or, for a
        // rule that derives a stage, records of its derived dataset.
        RunSummary summary = samples.InProcessSummary;
        bool Derives(string ruleId) => samples.Rules.Rules.Single(r => r.Id == ruleId).Derive is { } derive && summary.DerivedRecordsPerDataset.GetValueOrDefault(derive.Dataset) > 0;
        string[] silent = [.. summary.CluesPerRule.Where(r => r.Value == 0 && !Derives(r.Key)).Select(r => r.Key)];
        Assert.Empty(silent);
    }
}
