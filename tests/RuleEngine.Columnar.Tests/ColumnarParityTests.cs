using DuckDB.NET.Data;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Scripting;
using RuleEngine.Sql;
using RuleEngine.Yaml;
using RuleEngine.Yaml.Testing;

namespace RuleEngine.Columnar.Tests;

/// <summary>
/// Every sample model over generated data, read from CSV and from Parquet exported from it (with each record's line):
/// the in-process clue sets are identical.
/// </summary>
public sealed class ColumnarParityTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "re-columnar-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task EverySampleModel_FromParquet_GivesTheCsvClues()
    {
        ModelSet models = ModelSet.Load(Path.Combine(RepositoryRoot(), "samples", "models"), new ModelLoadOptions { ScriptCompiler = new ScriptRuleCompiler() });
        RuleSet rules = models.Compile();
        ModelDataGenerator.Generate(models, _folder, new DataGenerationOptions { RecordsPerModel = 2_000, Seed = 5 });
        List<DatasetDefinition> datasets = [.. models.Datasets.Values.Where(d => File.Exists(Path.Combine(_folder, d.DataFileName))).OrderBy(d => d.Schema.Name, StringComparer.Ordinal)];

        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            await duck.OpenAsync();
            foreach (DatasetDefinition dataset in datasets)
            {
                await SqlTableLoader.LoadAsync(duck, dataset.Open(Path.Combine(_folder, dataset.DataFileName)), dataset.Schema.Name);
                using var copy = duck.CreateCommand();
                copy.CommandText = $"COPY (SELECT * FROM {dataset.Schema.Name} ORDER BY _line) TO '{Path.Combine(_folder, dataset.Schema.Name + ".parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 1000)";
                await copy.ExecuteNonQueryAsync();
            }
        }

        List<string> fromCsv = await ClueLinesAsync(rules, datasets.Select(d => d.Open(Path.Combine(_folder, d.DataFileName))));
        List<string> fromParquet = await ClueLinesAsync(rules, datasets.Select(d => ColumnarSource.Parquet(Path.Combine(_folder, d.Schema.Name + ".parquet"), d.Schema)));

        Assert.True(fromCsv.Count > 1000, $"only {fromCsv.Count} clues");
        Assert.Equal(fromCsv, fromParquet);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<List<string>> ClueLinesAsync(RuleSet rules, IEnumerable<RecordSource> sources)
    {
        var sink = new Sink();
        RunSummary summary = await rules.RunAsync(sources, sink);
        Assert.Equal(0, summary.RecordsRejected);
        List<string> lines = [.. sink.Clues.Select(c => JsonLinesClueSink.Format(c with
        {
            Evidence = [.. c.Evidence.Select(e => e.Value is decimal d ? e with { Value = DecimalScale.WithoutTrailingZeros(d) } : e)],
        }))];
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    internal static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RuleEngine.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("RuleEngine.sln not found above the test's folder.");
    }

    private sealed class Sink : IClueSink
    {
        public List<Clue> Clues { get; } = [];

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            Clues.Add(clue);
            return ValueTask.CompletedTask;
        }
    }
}
