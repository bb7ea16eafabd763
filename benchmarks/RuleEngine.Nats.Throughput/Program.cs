// Throughput of the distributed path: the sample models over generated data, in-process and on a 3-server
// JetStream cluster (Debian's nats-server on 127.0.0.1) with 1, 2 and 3 workers. Each cluster run starts from
// fresh servers: the records are published first (timed), then the workers start and the clock runs until every
// consumer has nothing pending or unacknowledged. The clue count is checked against the in-process run.
// Usage: dotnet run -c Release --project benchmarks/RuleEngine.Nats.Throughput -- [records-per-model] [workers,...]
using System.Diagnostics;
using System.Globalization;
using NATS.Client.Core;
using NATS.Client.JetStream;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Nats;
using RuleEngine.Nats.Tests.Support;
using RuleEngine.Records;
using RuleEngine.Scripting;
using RuleEngine.Yaml;

int perModel = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 80_000;
int[] workerCounts = args.Length > 1 ? [.. args[1].Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))] : [1, 2, 3];
string root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "RuleEngine.sln")))
{
    root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run from inside the repository.");
}

ModelSet models = ModelSet.Load(Path.Combine(root, "samples", "models"), new ModelLoadOptions { ScriptCompiler = new ScriptRuleCompiler() });
// The workers refuse multi-stage models: the in-process figure is taken over the same models.
RuleSet rules = models.Compile(new ModelCompileOptions { Models = [.. models.Models.Where(m => m.Rules.All(r => r.Derive is null)).Select(m => m.Id)] });
string folder = Path.Combine(Path.GetTempPath(), "re-nats-throughput-" + Guid.NewGuid().ToString("N"));
GeneratedData data = ModelDataGenerator.Generate(models, folder, new DataGenerationOptions { RecordsPerModel = perModel, Seed = 11 });
long evaluated = data.RecordsPerDataset.Where(d => rules.Rules.Any(r => r.Dataset == d.Key)).Sum(d => d.Value);
Console.WriteLine($"{Environment.ProcessorCount} cores; {data.RecordsPerDataset.Values.Sum():N0} records generated, {evaluated:N0} in evaluated datasets");

IEnumerable<RecordSource> Sources() => models.Datasets.Values.OrderBy(d => d.Schema.Name, StringComparer.Ordinal)
    .Where(d => File.Exists(Path.Combine(folder, d.DataFileName))).Select(d => d.Open(Path.Combine(folder, d.DataFileName)));

var watch = Stopwatch.StartNew();
var counter = new CountingSink();
await rules.RunAsync(Sources(), counter);
double inProcess = watch.Elapsed.TotalSeconds;
Console.WriteLine($"| path | workers | publish (records/s) | evaluate (records/s) | clues |");
Console.WriteLine($"|---|---|---|---|---|");
Console.WriteLine($"| in-process, CSV files | — | — | {evaluated / inProcess:N0} | {counter.Count:N0} |");

var options = new NatsOptions { Partitions = 6, Replicas = 3 };
var topology = new NatsTopology(rules, options);
string[] consumers = [.. topology.ConsumerNames];
foreach (int workers in workerCounts)
{
    await using NatsCluster cluster = await NatsCluster.StartAsync();
    await using NatsConnection connection = cluster.Connect("publisher");
    var publisher = new NatsRecordPublisher(connection, rules, options);
    watch.Restart();
    long published = 0;
    foreach (RecordSource source in Sources())
    {
        published += (await publisher.PublishAsync(source)).Entries;
    }

    double publishSeconds = watch.Elapsed.TotalSeconds;
    using var stop = new CancellationTokenSource();
    var connections = Enumerable.Range(0, workers).Select(i => cluster.Connect($"worker-{i}")).ToList();
    watch.Restart();
    var running = connections.Select((c, i) => new NatsRuleWorker(c, rules, new NatsWorkerOptions { Nats = options, WorkerIndex = i, WorkerCount = workers }).RunAsync(stop.Token)).ToList();
    var js = new NatsJSContext(connection);
    while (!await DrainedAsync(js))
    {
        await Task.Delay(100);
    }

    double seconds = watch.Elapsed.TotalSeconds;
    await stop.CancelAsync();
    foreach (Task task in running)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    long clues = 0;
    await foreach (string _ in NatsClueReader.ReadCluesAsync(connection, options))
    {
        clues++;
    }

    foreach (NatsConnection c in connections)
    {
        await c.DisposeAsync();
    }

    Console.WriteLine($"| JetStream, 3 servers, R3 | {workers} | {published / publishSeconds:N0} | {evaluated / seconds:N0} | {clues:N0}{(clues == counter.Count ? string.Empty : " (differs!)")} |");
}

Directory.Delete(folder, recursive: true);

async Task<bool> DrainedAsync(INatsJSContext js)
{
    foreach (string name in consumers)
    {
        try
        {
            INatsJSConsumer consumer = await js.GetConsumerAsync(topology.RecordsStream, name);
            if (consumer.Info.NumPending > 0 || consumer.Info.NumAckPending > 0)
            {
                return false;
            }
        }
        catch (NatsException)
        {
            return false;
        }
    }

    return true;
}

sealed class CountingSink : IClueSink
{
    public long Count { get; private set; }

    public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        Count++;
        return ValueTask.CompletedTask;
    }
}
