using System.Globalization;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Scripting;
using RuleEngine.Yaml;
using RuleEngine.Yaml.Testing;

namespace RuleEngine.Sql.Tests.Support;

/// <summary>
/// Every sample model over generated data, and the clues the in-process engine finds in it: the oracle each SQL
/// back end is compared with. Built once for the test class.
/// </summary>
public sealed class SampleModels : IDisposable
{
    public SampleModels()
    {
        Folder = Path.Combine(Path.GetTempPath(), "re-sql-data-" + Guid.NewGuid().ToString("N"));
        Models = ModelSet.Load(Path.Combine(RepositoryRoot(), "samples", "models"), new ModelLoadOptions { ScriptCompiler = new ScriptRuleCompiler() });
        Assert.False(Models.HasErrors, string.Join("\n", Models.Diagnostics));
        Rules = Models.Compile();
        Data = ModelDataGenerator.Generate(Models, Folder, new DataGenerationOptions { RecordsPerModel = 3_000, Seed = 11 });
        var sink = new CollectingSink();
        InProcessSummary = Rules.RunAsync(Sources(), sink).GetAwaiter().GetResult();
        ExpectedClues = sink.Canonical();
    }

    public string Folder { get; }

    public ModelSet Models { get; }

    public RuleSet Rules { get; }

    public GeneratedData Data { get; }

    public RunSummary InProcessSummary { get; }

    /// <summary>Gets the in-process run's clues in canonical form, sorted.</summary>
    public IReadOnlyList<string> ExpectedClues { get; }

    public IEnumerable<RecordSource> Sources() =>
        Models.Datasets.Values
            .OrderBy(d => d.Schema.Name, StringComparer.Ordinal)
            .Where(d => File.Exists(Path.Combine(Folder, d.DataFileName)))
            .Select(d => d.Open(Path.Combine(Folder, d.DataFileName)));

    /// <summary>Loads every generated dataset into a table named after it; returns the tables, declared normalised or not.</summary>
    public async Task<List<SqlTable>> LoadAsync(TestDatabase database, bool declareNormalised = false)
    {
        var tables = new List<SqlTable>();
        foreach (RecordSource source in Sources())
        {
            SqlLoadSummary loaded = await SqlTableLoader.LoadAsync(database.Connection, source, source.Schema.Name);
            Assert.True(loaded.RecordsLoaded > 0, $"{source.Schema.Name}: nothing loaded.");
            tables.Add(new SqlTable(source.Schema.Name, loaded.Table) { ValuesNormalised = declareNormalised });
        }

        return tables;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    public static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RuleEngine.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("RuleEngine.sln not found above the test's folder.");
    }
}

/// <summary>Collects clues; their canonical form is the JSON line with decimals written without trailing zeros.</summary>
internal sealed class CollectingSink : IClueSink
{
    public List<Clue> Clues { get; } = [];

    public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        Clues.Add(clue);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Each clue as its JSON line, evidence decimals without trailing zeros (a DECIMAL column has a fixed scale; the
    /// value is the same), sorted.
    /// </summary>
    public List<string> Canonical()
    {
        List<string> lines = [.. Clues.Select(c => JsonLinesClueSink.Format(c with
        {
            Evidence = [.. c.Evidence.Select(e => e.Value is decimal d ? e with { Value = DecimalScale.WithoutTrailingZeros(d) } : e)],
        }))];
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
