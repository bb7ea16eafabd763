using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RuleEngine.Clues;
using RuleEngine.Records;

namespace RuleEngine.Hosting.Tests;

/// <summary>A host registers RuleEngine in one line; a changed model folder is reloaded and swapped in, a broken one rejected, and a run in progress is never interrupted.</summary>
public sealed class HotReloadTests : IDisposable
{
    private const string Dataset = """
        dataset: suits
        key: [case_no]
        fields:
          - {name: case_no, type: case_no}
          - {name: amount, type: decimal}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("ruleengine-hosting-").FullName;
    private readonly CollectingLogger _log = new();

    public HotReloadTests()
    {
        File.WriteAllText(Path.Combine(_folder, "suits.yaml"), Dataset);
        WriteModel("amount >= 100");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void WriteModel(string condition) => File.WriteAllText(Path.Combine(_folder, "m1.yaml"), $"""
        id: H1
        version: "1.0"
        name: 大额
        from: suits
        when: {condition}
        """);

    private ServiceProvider Services(bool watch) => new ServiceCollection()
        .AddSingleton<ILoggerProvider>(_log)
        .AddLogging()
        .AddRuleEngine(o =>
        {
            o.ModelsPath = _folder;
            o.ReloadOnChange = watch;
            o.ReloadDelay = TimeSpan.FromMilliseconds(50);
        })
        .BuildServiceProvider();

    private static RecordSource Rows(RuleSet rules, int count) => RecordSource.Csv(
        new MemoryStream(Encoding.UTF8.GetBytes("case_no,amount\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"A{i},{i * 10}\n")))),
        rules.Datasets["suits"]);

    [Fact]
    public async Task A_valid_change_is_swapped_in_a_broken_one_rejected_and_a_run_in_progress_keeps_its_models()
    {
        using ServiceProvider services = Services(watch: true);
        ModelHost host = services.GetRequiredService<ModelHost>();
        IHostedService watcher = services.GetServices<IHostedService>().Single();
        await watcher.StartAsync(CancellationToken.None);
        Assert.Equal(1, host.Current!.Version);

        // A run starts on version 1 and is held inside its sink while the folder changes.
        var held = new GatedSink();
        Task<RunSummary> run = host.RunAsync([Rows(host.Current.Rules, 50)], held);
        await held.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var reloaded = new TaskCompletionSource<ModelSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Reloaded += (_, snapshot) => reloaded.TrySetResult(snapshot);
        WriteModel("amount >= 400");
        ModelSnapshot second = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, second.Version);

        held.Release.SetResult();
        RunSummary first = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(41, first.CluesEmitted);
        Assert.Equal(11, (await host.RunAsync([Rows(host.Current.Rules, 50)], new GatedSink(open: true))).CluesEmitted);

        int running = host.Current.Version;
        WriteModel("amout >= 1");
        Assert.False(await host.ReloadAsync());
        Assert.Equal(running, host.Current.Version);
        Assert.Equal(11, (await host.RunAsync([Rows(host.Current.Rules, 50)], new GatedSink(open: true))).CluesEmitted);
        Assert.Contains(_log.Entries, e => e.EventId == 2 && e.Message.Contains("RE2001", StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.EventId == 3);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_run_is_measured_logged_and_traced()
    {
        using ServiceProvider services = Services(watch: false);
        ModelHost host = services.GetRequiredService<ModelHost>();
        Assert.True(await host.ReloadAsync());
        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == ModelHost.TelemetryName) { l.EnableMeasurementEvents(instrument); } } };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured[instrument.Name] = measured.GetValueOrDefault(instrument.Name) + value);
        listener.Start();

        RunSummary summary = await host.RunAsync([Rows(host.Current!.Rules, 20)], new GatedSink(open: true));

        Assert.Equal((20L, 11L), (measured["ruleengine.records.read"], measured["ruleengine.clues"]));
        Assert.Equal(11, summary.CluesEmitted);
        Assert.Contains(_log.Entries, e => e.EventId == 4 && e.Message.Contains("20 records, 11 clues", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_with_records_it_could_not_evaluate_is_logged_as_a_warning_not_as_completed()
    {
        WriteModel("100 / (amount - 50) > 0");
        using ServiceProvider services = Services(watch: false);
        ModelHost host = services.GetRequiredService<ModelHost>();
        Assert.True(await host.ReloadAsync());

        RunSummary summary = await host.RunAsync([Rows(host.Current!.Rules, 20)], new GatedSink(open: true));

        Assert.Equal(1, summary.RuleErrors);
        Assert.Contains(_log.Entries, e => e.EventId == 7 && e.Message.Contains("1 rule errors", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.EventId == 4);
    }

    private sealed class GatedSink(bool open = false) : IClueSink
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            Started.TrySetResult();
            if (!open)
            {
                await Release.Task.WaitAsync(cancellationToken);
            }
        }
    }
}
