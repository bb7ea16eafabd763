using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Scripting;
using RuleEngine.Yaml;
using RuleEngine.Yaml.Testing;

namespace RuleEngine.Nats.Tests.Support;

/// <summary>
/// The sample models the workers run over generated data (at least 1,000,000 records in all), and the clues the
/// in-process engine finds in it: the oracle every cluster run is compared with. Built once for the test class. A
/// multi-stage model, which the workers refuse (<c>WorkerTopologyTests</c>), is left out of the copy of the sample
/// folder the workers are given.
/// </summary>
public sealed class GeneratedLoad : IDisposable
{
    public GeneratedLoad()
    {
        Folder = Path.Combine(Path.GetTempPath(), "re-nats-data-" + Guid.NewGuid().ToString("N"));
        // The samples' own tests read the sample data beside the models: the copy keeps both.
        CopyFolder(Path.Combine(RepositoryRoot(), "samples", "models"), Path.Combine(Folder + "-samples", "models"));
        CopyFolder(Path.Combine(RepositoryRoot(), "samples", "data"), Path.Combine(Folder + "-samples", "data"));
        ModelsFolder = Path.Combine(Folder + "-samples", "models");
        foreach (SupervisionModel staged in ModelSet.Load(ModelsFolder, new ModelLoadOptions { ScriptCompiler = new ScriptRuleCompiler() }).Models.Where(m => m.Rules.Any(r => r.Derive is not null)))
        {
            File.Delete(staged.Path);
        }

        Models = ModelSet.Load(ModelsFolder, new ModelLoadOptions { ScriptCompiler = new ScriptRuleCompiler() });
        Assert.False(Models.HasErrors, string.Join("\n", Models.Diagnostics));
        Rules = Models.Compile();
        GeneratedData data = ModelDataGenerator.Generate(Models, Folder, new DataGenerationOptions { RecordsPerModel = 80_000, Seed = 7 });
        Records = data.RecordsPerDataset.Values.Sum();
        EvaluatedRecords = data.RecordsPerDataset.Where(d => Rules.Rules.Any(r => r.Dataset == d.Key)).Sum(d => d.Value);
        ExpectedClues = RunInProcessAsync().GetAwaiter().GetResult();
    }

    public string Folder { get; }

    /// <summary>Gets the copy of the sample models that the workers run.</summary>
    public string ModelsFolder { get; }

    public ModelSet Models { get; }

    public RuleSet Rules { get; }

    public long Records { get; }

    /// <summary>Gets the records of datasets that rules evaluate (the rest are references, loaded whole by every worker).</summary>
    public long EvaluatedRecords { get; }

    /// <summary>Gets the in-process run's clues as JSON lines, sorted.</summary>
    public IReadOnlyList<string> ExpectedClues { get; }

    public IEnumerable<RecordSource> Sources() =>
        Models.Datasets.Values
            .OrderBy(d => d.Schema.Name, StringComparer.Ordinal)
            .Where(d => File.Exists(Path.Combine(Folder, d.DataFileName)))
            .Select(d => d.Open(Path.Combine(Folder, d.DataFileName)));

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        Directory.Delete(Folder + "-samples", recursive: true);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string folder in Directory.EnumerateDirectories(from))
        {
            CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }

    public static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RuleEngine.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("RuleEngine.sln not found above the test's folder.");
    }

    private async Task<IReadOnlyList<string>> RunInProcessAsync()
    {
        var sink = new LineSink();
        await Rules.RunAsync(Sources(), sink);
        sink.Lines.Sort(StringComparer.Ordinal);
        return sink.Lines;
    }

    private sealed class LineSink : IClueSink
    {
        public List<string> Lines { get; } = [];

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            Lines.Add(JsonLinesClueSink.Format(clue));
            return ValueTask.CompletedTask;
        }
    }
}
