// The Hosting-alone consumer test: a fresh generic-host application that references RuleEngine.Hosting and no other
// RuleEngine package, as docs/hosting.md shows. It must get everything the defaults need — the YAML loader, the script
// compiler and the untrusted tier's worker program (through RuleEngine.Scripting's buildTransitive targets) — so the
// sample models, script rules included, find the runner's clues with no rule error. .ci/run compares the count.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Hosting;
using RuleEngine.Records;
using RuleEngine.Yaml;

HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Services.AddRuleEngine(o =>
{
    o.ModelsPath = args[0];
    o.ReloadOnChange = false;
});
using IHost host = builder.Build();
await host.StartAsync();
ModelHost models = host.Services.GetRequiredService<ModelHost>();
ModelSnapshot current = models.Current ?? throw new InvalidOperationException("No model set has loaded.");
var sources = new List<RecordSource>();
foreach (DatasetDefinition dataset in current.Models.Datasets.Values.OrderBy(d => d.Schema.Name, StringComparer.Ordinal))
{
    string file = Path.Combine(args[1], dataset.DataFileName);
    if (File.Exists(file))
    {
        sources.Add(dataset.Open(file));
    }
}

var sink = new CountingSink();
RunSummary summary = await models.RunAsync(sources, sink);
await host.StopAsync();
Console.WriteLine($"clues={summary.CluesEmitted} rule-errors={summary.RuleErrors} sink={sink.Count}");
return summary.CluesEmitted > 0 && summary.RuleErrors == 0 && summary.CluesEmitted == sink.Count ? 0 : 1;

sealed class CountingSink : IClueSink
{
    public long Count { get; private set; }

    public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        Count++;
        return ValueTask.CompletedTask;
    }
}
