using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RuleEngine.Hosting.Tests;

/// <summary>A host never runs without models unknowingly: it refuses to start, or says so through its health check.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ruleengine-startup-").FullName;
    private readonly CollectingLogger _log = new();

    public StartupTests()
    {
        File.WriteAllText(Path.Combine(_folder, "suits.yaml"), "dataset: suits\nkey: [case_no]\nfields:\n  - {name: case_no, type: case_no}\n  - {name: amount, type: decimal}\n");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void WriteModel(string condition) =>
        File.WriteAllText(Path.Combine(_folder, "m1.yaml"), $"id: H1\nversion: \"1.0\"\nname: 大额\nfrom: suits\nwhen: {condition}\n");

    private ServiceProvider Services(bool requireModels) => new ServiceCollection()
        .AddSingleton<ILoggerProvider>(_log)
        .AddLogging()
        .AddRuleEngine(o =>
        {
            o.ModelsPath = _folder;
            o.ReloadOnChange = false;
            o.RequireModelsAtStart = requireModels;
        })
        .BuildServiceProvider();

    [Fact]
    public async Task A_host_whose_model_folder_does_not_load_refuses_to_start_and_says_no_set_loaded()
    {
        WriteModel("amount >>= 100");
        using ServiceProvider services = Services(requireModels: true);

        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => services.GetServices<IHostedService>().Single().StartAsync(CancellationToken.None));

        Assert.Contains("does not start without models", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.EventId == 6);
        Assert.DoesNotContain(_log.Entries, e => e.EventId == 3);
        Assert.Null(services.GetRequiredService<ModelHost>().Current);
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_without_models_healthy_once_loaded_and_degraded_after_a_failed_reload()
    {
        WriteModel("amount >>= 100");
        using ServiceProvider services = Services(requireModels: false);
        await services.GetServices<IHostedService>().Single().StartAsync(CancellationToken.None);
        ModelHost host = services.GetRequiredService<ModelHost>();
        var check = new RuleEngineHealthCheck(host);
        var context = new HealthCheckContext();

        HealthCheckResult none = await check.CheckHealthAsync(context);
        WriteModel("amount >= 100");
        Assert.True(await host.ReloadAsync());
        HealthCheckResult loaded = await check.CheckHealthAsync(context);
        WriteModel("amount >= ");
        Assert.False(await host.ReloadAsync());
        HealthCheckResult stale = await check.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Unhealthy, none.Status);
        Assert.Equal(HealthStatus.Healthy, loaded.Status);
        Assert.Equal(1, loaded.Data["version"]);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.Equal(1, stale.Data["version"]);
        Assert.True((int)stale.Data["lastLoadErrors"] > 0);
    }
}
