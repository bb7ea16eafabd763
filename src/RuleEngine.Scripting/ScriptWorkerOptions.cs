namespace RuleEngine.Scripting;

/// <summary>How the worker processes of <see cref="ScriptTrust.Untrusted"/> scripts are started and held.</summary>
public sealed record ScriptWorkerOptions
{
    /// <summary>Gets the worker program (<c>RuleEngine.Scripting.Worker.dll</c>), run with <c>dotnet</c>.</summary>
    /// <value>The default is the file of that name beside <c>RuleEngine.Scripting.dll</c>.</value>
    public string WorkerPath { get; init; } = Path.Combine(Path.GetDirectoryName(typeof(ScriptWorkerOptions).Assembly.Location) ?? AppContext.BaseDirectory, "RuleEngine.Scripting.Worker.dll");

    /// <summary>Gets the most memory a worker's managed heap may use (the runtime's GC heap hard limit).</summary>
    /// <value>The default is 512 MiB.</value>
    public long MemoryLimit { get; init; } = 512L * 1024 * 1024;

    /// <summary>Gets how long a worker may take over one batch of records before it is killed and restarted.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan BatchTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets a value indicating whether a worker runs in a network namespace of its own (no network at all), where the
    /// platform allows unprivileged user namespaces (Linux with <c>unshare</c>); elsewhere the worker runs without it.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool IsolateNetwork { get; init; } = true;
}
