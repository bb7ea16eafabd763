using Microsoft.Extensions.Options;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Hosting;
using RuleEngine.Records;
using RuleEngine.Yaml;

namespace HostedWorker;

/// <summary>Where batches arrive and clues go.</summary>
public sealed class DropFolderOptions
{
    /// <summary>Gets or sets the folder watched for batches: subfolders holding files named after datasets, complete once a <c>READY</c> file is in them.</summary>
    public string DropFolder { get; set; } = "drop";

    /// <summary>Gets or sets where each batch's clues (<c>batch.clues.jsonl</c>) are written; processed batches move to its <c>done</c> subfolder.</summary>
    public string OutFolder { get; set; } = "out";

    /// <summary>Gets or sets how often the drop folder is looked at.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets a value indicating whether the worker stops after the batches already there (a scheduled job, or CI).</summary>
    public bool Once { get; set; }
}

/// <summary>Runs the models on each complete batch in the drop folder and writes its clues.</summary>
public sealed partial class DropFolderWorker(ModelHost models, IOptions<DropFolderOptions> options, IHostApplicationLifetime lifetime, ILogger<DropFolderWorker> logger) : BackgroundService
{
    private readonly DropFolderOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Directory.CreateDirectory(_options.DropFolder);
        Directory.CreateDirectory(Path.Combine(_options.OutFolder, "done"));
        using var timer = new PeriodicTimer(_options.PollInterval);
        do
        {
            foreach (string batch in Directory.EnumerateDirectories(_options.DropFolder).Where(b => File.Exists(Path.Combine(b, "READY"))).Order(StringComparer.Ordinal))
            {
                await ProcessAsync(batch, stoppingToken);
            }

            if (_options.Once)
            {
                lifetime.StopApplication();
                return;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ProcessAsync(string batch, CancellationToken cancellationToken)
    {
        ModelSnapshot? current = models.Current;
        if (current is null)
        {
            LogNoModels(Path.GetFileName(batch));
            return;
        }

        var sources = new List<RecordSource>();
        foreach (DatasetDefinition dataset in current.Models.Datasets.Values.OrderBy(d => d.Schema.Name, StringComparer.Ordinal))
        {
            string file = Path.Combine(batch, dataset.DataFileName);
            if (File.Exists(file))
            {
                sources.Add(dataset.Open(file));
            }
        }

        string name = Path.GetFileName(batch);
        string output = Path.Combine(_options.OutFolder, name + ".clues.jsonl");
        await using (var sink = new JsonLinesClueSink(File.Create(output), ownsStream: true))
        {
            RunSummary summary = await models.RunAsync(sources, sink, cancellationToken);
            LogBatch(name, summary.RecordsRead, summary.CluesEmitted, current.Version);
        }

        Directory.Move(batch, Path.Combine(_options.OutFolder, "done", name + "-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Batch {Batch}: {Records} records, {Clues} clues (model set version {Version})")]
    private partial void LogBatch(string batch, long records, long clues, int version);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Batch {Batch} waits: no model set has loaded")]
    private partial void LogNoModels(string batch);
}
