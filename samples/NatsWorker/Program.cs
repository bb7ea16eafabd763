// A RuleEngine worker process on a NATS JetStream cluster: loads a model folder, compiles it and runs
// NatsRuleWorker until SIGTERM or Ctrl+C. Every worker of a deployment runs the same models and options.
// Usage: NatsWorker <servers> <models> <worker-index> <worker-count> [partitions=6] [replicas=3] [ack-wait-seconds=30]
// Script rules run in the trusted tier: this sample trusts its model folder (see docs/scripting.md for the untrusted tier).
using System.Globalization;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using RuleEngine;
using RuleEngine.Nats;
using RuleEngine.Scripting;
using RuleEngine.Yaml;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: NatsWorker <servers> <models> <worker-index> <worker-count> [partitions] [replicas] [ack-wait-seconds]");
    return 2;
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
ModelSet models = ModelSet.Load(args[1], new ModelLoadOptions { ScriptCompiler = new ScriptRuleCompiler() });
if (models.HasErrors)
{
    foreach (var diagnostic in models.Diagnostics)
    {
        Console.Error.WriteLine(diagnostic);
    }

    return 1;
}

RuleSet rules = models.Compile();
using ILoggerFactory logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(o => o.SingleLine = true));
await using var connection = new NatsConnection(new NatsOpts { Url = args[0], Name = $"worker-{args[2]}", MaxReconnectRetry = -1 });
var options = new NatsWorkerOptions
{
    Nats = new NatsOptions { Partitions = Arg(4, 6), Replicas = Arg(5, 3), AckWait = TimeSpan.FromSeconds(Arg(6, 30)) },
    WorkerIndex = Arg(2, 0),
    WorkerCount = Arg(3, 1),
};
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
try
{
    await new NatsRuleWorker(connection, rules, options, logging.CreateLogger<NatsRuleWorker>()).RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}

return 0;
