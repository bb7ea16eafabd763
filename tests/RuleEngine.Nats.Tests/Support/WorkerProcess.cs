using System.Diagnostics;
using System.Globalization;

namespace RuleEngine.Nats.Tests.Support;

/// <summary>The sample worker (<c>samples/NatsWorker</c>) as a process of its own, which a test can kill with SIGKILL.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public static WorkerProcess Start(string models, string servers, int index, int count, NatsOptions options)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        string worker = Path.Combine(GeneratedLoad.RepositoryRoot(), "samples", "NatsWorker", "bin", configuration, "net10.0", "NatsWorker.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "exec", worker, servers, models,
                index.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture),
                options.Partitions.ToString(CultureInfo.InvariantCulture), options.Replicas.ToString(CultureInfo.InvariantCulture),
                ((int)options.AckWait.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker process did not start."));
    }

    /// <summary>Kills the process by its PID with SIGKILL: no cancellation, no drain, no goodbye.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 256 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }
}
