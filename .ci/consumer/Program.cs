// The consumer test: a fresh console project, outside the solution, that references the RuleEngine packages by
// version from a local feed (as a host would), loads the sample models, runs them over the sample data and prints
// how many clues it found. .ci/run compares the count with the runner's. Script rules run in the untrusted tier, whose
// worker program comes with the RuleEngine.Scripting package.
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Scripting;
using RuleEngine.Yaml;

string models = args[0];
string data = args[1];
ModelSet set = ModelSet.Load(models, new ModelLoadOptions { ScriptCompiler = new ScriptRuleCompiler(new ScriptLimits(), ScriptTrust.Untrusted) });
if (set.HasErrors)
{
    foreach (var diagnostic in set.Diagnostics)
    {
        Console.Error.WriteLine(diagnostic);
    }

    return 1;
}

RuleSet rules = set.Compile();
var sources = new List<RecordSource>();
foreach (DatasetDefinition dataset in set.Datasets.Values.OrderBy(d => d.Schema.Name, StringComparer.Ordinal))
{
    string file = Path.Combine(data, dataset.DataFileName);
    if (File.Exists(file))
    {
        sources.Add(dataset.Open(file));
    }
}

var sink = new CountingSink();
RunSummary summary = await rules.RunAsync(sources, sink);
Console.WriteLine($"clues={summary.CluesEmitted} sink={sink.Count}");
return summary.CluesEmitted > 0 && summary.CluesEmitted == sink.Count ? 0 : 1;

sealed class CountingSink : IClueSink
{
    public long Count { get; private set; }

    public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        Count++;
        return ValueTask.CompletedTask;
    }
}
