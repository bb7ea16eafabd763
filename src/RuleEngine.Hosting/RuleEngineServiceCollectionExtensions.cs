using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace RuleEngine.Hosting;

/// <summary>Registers RuleEngine in a host.</summary>
public static class RuleEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="ModelHost"/> (the loaded, compiled models, reloaded when their folder changes) and the
    /// hosted service that loads and watches them: <c>services.AddRuleEngine(o => o.ModelsPath = "models")</c>.
    /// Options can also be bound from configuration: <c>services.Configure&lt;RuleEngineOptions&gt;(configuration.GetSection("RuleEngine"))</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the configured ones.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddRuleEngine(this IServiceCollection services, Action<RuleEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RuleEngineOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        // The generic host registers logging first; without a host, logs go nowhere rather than fail to resolve.
        services.TryAdd(ServiceDescriptor.Singleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)));
        services.TryAddSingleton<ModelHost>();
        services.AddHostedService<ModelFolderWatcher>();
        return services;
    }
}
