using System.Diagnostics;
using System.Globalization;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Scripting.Loading;

namespace RuleEngine.Scripting.Isolation;

/// <summary>
/// The host side of one script's worker process: started on first use, fed one batch at a time, killed and
/// restarted when it crashes or overruns its time limit. A worker whose host goes away sees its input close and exits.
/// </summary>
internal sealed class ScriptWorkerClient(ScriptWorkerOptions options, DatasetSchema schema, string scriptNamespace, CompiledScriptImage image, ScriptFaults faults, string ruleId)
{
    private static readonly Lazy<bool> NetworkNamespaces = new(CanUnshareNetwork);

    private readonly Lock _lock = new();
    private Process? _process;
    private BinaryWriter? _writer;
    private BinaryReader? _reader;

    ~ScriptWorkerClient() => Stop();

    /// <summary>Gets a value indicating whether workers run in a network namespace of their own on this machine.</summary>
    public static bool NetworkNamespacesAvailable => NetworkNamespaces.Value;

    /// <summary>Gets how many workers were started, the first included.</summary>
    public int Starts { get; private set; }

    /// <summary>Gets the process id of the current worker, or <see langword="null"/> when none runs.</summary>
    public int? ProcessId => _process?.Id;

    public void Evaluate(Record[] records, int[] positions, int count, ScriptOutcome[] outcomes)
    {
        lock (_lock)
        {
            string? failure = null;
            try
            {
                (BinaryWriter writer, BinaryReader reader) = Start();
                writer.Write(count);
                for (int k = 0; k < count; k++)
                {
                    WorkerProtocol.WriteRecord(writer, records[positions[k]]);
                }

                writer.Flush();
                Task read = Task.Run(() => ReadAnswers(reader, positions, count, outcomes));
                if (!read.Wait(options.BatchTimeout))
                {
                    failure = string.Create(CultureInfo.InvariantCulture, $"did not answer within {options.BatchTimeout.TotalSeconds:0} seconds and was stopped");
                }
            }
            catch (Exception e) when (e is IOException or AggregateException or InvalidOperationException or ObjectDisposedException)
            {
                failure = _process is { } process && process.WaitForExit(TimeSpan.FromSeconds(10))
                    ? string.Create(CultureInfo.InvariantCulture, $"ended with exit code {process.ExitCode}")
                    : "stopped answering";
            }

            if (failure is not null)
            {
                Stop();
                string message = $"The worker process of the script of rule '{ruleId}' {failure}; the records it held were not evaluated.";
                for (int k = 0; k < count; k++)
                {
                    outcomes[positions[k]] = new ScriptOutcome(false, ScriptDiagnosticIds.WorkerFailed, message);
                }
            }
        }
    }

    private void ReadAnswers(BinaryReader reader, int[] positions, int count, ScriptOutcome[] outcomes)
    {
        for (int k = 0; k < count; k++)
        {
            byte status = reader.ReadByte();
            outcomes[positions[k]] = status switch
            {
                WorkerProtocol.True => new ScriptOutcome(true),
                WorkerProtocol.False => new ScriptOutcome(false),
                WorkerProtocol.Fault => Fault(reader),
                _ => throw new InvalidDataException("The worker answered out of protocol."),
            };
        }
    }

    private ScriptOutcome Fault(BinaryReader reader)
    {
        string code = reader.ReadString();
        string what = reader.ReadString();
        bool fromScript = reader.ReadBoolean();
        int line = reader.ReadInt32();
        _ = reader.ReadInt32(); // the column: positions are reported by line (ScriptFaults.Describe)
        return new ScriptOutcome(false, code, faults.Describe(what, fromScript, line));
    }

    private (BinaryWriter Writer, BinaryReader Reader) Start()
    {
        if (_process is { HasExited: false } && _writer is not null && _reader is not null)
        {
            return (_writer, _reader);
        }

        Stop();
        if (!File.Exists(options.WorkerPath))
        {
            throw new InvalidOperationException($"The script worker program '{options.WorkerPath}' does not exist.");
        }

        string dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (options.IsolateNetwork && NetworkNamespaces.Value)
        {
            start.FileName = "unshare";
            start.ArgumentList.Add("--net");
            start.ArgumentList.Add("--map-root-user");
            start.ArgumentList.Add(dotnet);
        }
        else
        {
            start.FileName = dotnet;
        }

        start.ArgumentList.Add(options.WorkerPath);

        // The worker gets none of the host's environment (connection strings, keys): only what the runtime needs.
        start.Environment.Clear();
        foreach (string name in new[] { "PATH", "DOTNET_ROOT", "HOME", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + options.MemoryLimit.ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        Process process = Process.Start(start) ?? throw new InvalidOperationException("The script worker did not start.");
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
        Starts++;
        var writer = new BinaryWriter(new BufferedStream(process.StandardInput.BaseStream), WorkerProtocol.Text);
        var reader = new BinaryReader(new BufferedStream(process.StandardOutput.BaseStream), WorkerProtocol.Text);
        (_process, _writer, _reader) = (process, writer, reader);
        WorkerProtocol.WriteScript(writer, schema, scriptNamespace, image);
        Task<byte> ready = Task.Run(reader.ReadByte);
        if (!ready.Wait(TimeSpan.FromSeconds(60)) || ready.Result != WorkerProtocol.Ready)
        {
            throw new InvalidOperationException("The script worker did not start.");
        }

        return (writer, reader);
    }

    private void Stop()
    {
        Process? process = _process;
        (_process, _writer, _reader) = (null, null, null);
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            process.Dispose();
        }
    }

    private static bool CanUnshareNetwork()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var probe = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string argument in new[] { "--net", "--map-root-user", "true" })
            {
                probe.ArgumentList.Add(argument);
            }

            using Process? process = Process.Start(probe);
            return process is not null && process.WaitForExit(TimeSpan.FromSeconds(10)) && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
