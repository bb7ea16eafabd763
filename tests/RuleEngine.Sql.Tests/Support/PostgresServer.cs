using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RuleEngine.Sql.Tests.Support;

/// <summary>
/// The PostgreSQL server the tests use: the one named by <c>RE_POSTGRES</c> (a connection string; <c>.ci/run</c> sets
/// it), else one started here from Debian's binaries — a cluster in a temporary folder, on 127.0.0.1 and a free port,
/// run as <c>postgres</c> when the tests run as root — once per test run, and stopped by its PID when the run ends.
/// </summary>
internal static class PostgresServer
{
    public const string Variable = "RE_POSTGRES";

    private static readonly Lazy<Task<string>> Started = new(StartAsync);

    public static Task<string> ConnectionStringAsync() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured ? Task.FromResult(configured) : Started.Value;

    private static async Task<string> StartAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException($"Starting PostgreSQL here needs Linux with Debian's packages; elsewhere set {Variable}.");
        }

        string bin = (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "postgres")))
            .OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0)
            .LastOrDefault()
            ?? throw new InvalidOperationException($"PostgreSQL is not installed, and {Variable} names no server: apt-get install postgresql (tests/run.sh installs it).");

        RemoveStaleClusters();
        string folder = Directory.CreateTempSubdirectory("re-postgres-").FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0x1FF);
        string data = Path.Combine(folder, "data");
        int port = FreePort();
        await RunAsync($"'{bin}/initdb' -D '{data}' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8");
        await RunAsync($"'{bin}/pg_ctl' -D '{data}' -o '-c listen_addresses=127.0.0.1 -p {port} -k {folder}' -l '{folder}/server.log' -w -t 60 start");
        int pid = int.Parse((await File.ReadAllLinesAsync(Path.Combine(data, "postmaster.pid")))[0], CultureInfo.InvariantCulture);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(pid, folder);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
    }

    private static void Stop(int pid, string folder)
    {
        // The shell's own kill: /bin/kill (procps) is not on every Debian machine.
        using (var kill = Process.Start("/bin/sh", ["-c", "kill -INT " + pid.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        for (int i = 0; i < 100 && Alive(pid); i++)
        {
            Thread.Sleep(100);
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A test host can be ended before its exit handler has removed the folder: clusters whose server is gone are removed at the next start.</summary>
    private static void RemoveStaleClusters()
    {
        foreach (string folder in Directory.GetDirectories(Path.GetTempPath(), "re-postgres-*"))
        {
            string pidFile = Path.Combine(folder, "data", "postmaster.pid");
            bool running = File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && Alive(pid);
            if (!running)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a command as this user, or as <c>postgres</c> when this is root (PostgreSQL refuses to run as root).</summary>
    private static async Task RunAsync(string command)
    {
        bool root = Environment.UserName == "root";
        var start = new ProcessStartInfo(root ? "su" : "/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in root ? ["-s", "/bin/sh", "postgres", "-c", command] : new[] { "-c", command })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' failed ({process.ExitCode}): {await output}{error}");
        }
    }
}
