using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RuleEngine.Hosting;

/// <summary>
/// Loads the models when the host starts and, with <see cref="RuleEngineOptions.ReloadOnChange"/>, reloads them when
/// the folder changes and has been quiet for <see cref="RuleEngineOptions.ReloadDelay"/>.
/// </summary>
internal sealed class ModelFolderWatcher(ModelHost host, IOptions<RuleEngineOptions> options) : IHostedService, IDisposable
{
    private readonly RuleEngineOptions _options = options.Value;
    private FileSystemWatcher? _watcher;
    private Timer? _quiet;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await host.ReloadAsync(cancellationToken).ConfigureAwait(false) && _options.RequireModelsAtStart)
        {
            throw new InvalidOperationException($"The model folder '{_options.ModelsPath}' did not load (its diagnostics are logged), and the host does not start without models. Fix the folder, or set RuleEngine:RequireModelsAtStart to false to start and wait for it.");
        }

        if (_options.ReloadOnChange && Directory.Exists(_options.ModelsPath))
        {
            _quiet = new Timer(_ => _ = host.ReloadAsync());
            _watcher = new FileSystemWatcher(_options.ModelsPath) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            _watcher.Changed += Touched;
            _watcher.Created += Touched;
            _watcher.Deleted += Touched;
            _watcher.Renamed += Touched;
            _watcher.EnableRaisingEvents = true;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _quiet?.Dispose();
        _watcher = null;
        _quiet = null;
    }

    private void Touched(object sender, FileSystemEventArgs e) => _quiet?.Change(_options.ReloadDelay, Timeout.InfiniteTimeSpan);
}
