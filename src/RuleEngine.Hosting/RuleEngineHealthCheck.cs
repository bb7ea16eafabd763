using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RuleEngine.Hosting;

/// <summary>
/// Reports whether the host can run its models: healthy with a model set loaded and the folder's last load clean,
/// degraded when the last reload failed and an older set runs on, unhealthy when no set has ever loaded.
/// </summary>
/// <remarks>Register it with the framework's health checks: <c>services.AddHealthChecks().AddCheck&lt;RuleEngineHealthCheck&gt;("ruleengine")</c>.</remarks>
public sealed class RuleEngineHealthCheck(ModelHost host) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ModelSnapshot? current = host.Current;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lastLoadErrors"] = host.LastLoadErrors,
        };
        if (host.LastLoadTime is { } time)
        {
            data["lastLoadTime"] = time;
        }

        if (current is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("No model set has loaded; runs fail until the model folder is fixed (its diagnostics are logged).", data: data));
        }

        data["version"] = current.Version;
        data["models"] = current.Models.Models.Count;
        data["rules"] = current.Rules.Rules.Count;
        return Task.FromResult(host.LastLoadErrors > 0
            ? HealthCheckResult.Degraded($"The model folder's last reload failed; model set version {current.Version} runs on.", data: data)
            : HealthCheckResult.Healthy($"Model set version {current.Version}: {current.Models.Models.Count} models, {current.Rules.Rules.Count} rules.", data: data));
    }
}
