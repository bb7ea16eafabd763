using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace RuleEngine.Nats.Tests.Support;

/// <summary>
/// A real JetStream cluster of Debian's nats-server on 127.0.0.1: distinct ports, configuration and storage in a
/// temporary folder, readiness through each server's /healthz, every server stopped by its PID.
/// </summary>
internal sealed class NatsCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly Node[] _nodes;

    private NatsCluster(string folder, Node[] nodes)
    {
        _folder = folder;
        _nodes = nodes;
    }

    public string Urls => string.Join(",", _nodes.Select(n => $"nats://127.0.0.1:{n.ClientPort}"));

    public IReadOnlyList<Node> Nodes => _nodes;

    public static async Task<NatsCluster> StartAsync(int size = 3)
    {
        string binary = FindServer();
        string folder = Path.Combine(Path.GetTempPath(), "re-nats-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var nodes = new Node[size];
        int[] ports = FreePorts(size * 3);
        for (int i = 0; i < size; i++)
        {
            nodes[i] = new Node($"n{i + 1}", ports[i * 3], ports[(i * 3) + 1], ports[(i * 3) + 2], Path.Combine(folder, $"n{i + 1}"));
        }

        foreach (Node node in nodes)
        {
            Directory.CreateDirectory(node.Folder);
            string routes = string.Join(", ", nodes.Where(n => n != node).Select(n => $"\"nats-route://127.0.0.1:{n.ClusterPort}\""));
            string clusterBlock = size == 1 ? string.Empty : $$"""
                cluster {
                  name: re-test
                  listen: 127.0.0.1:{{node.ClusterPort}}
                  routes: [{{routes}}]
                }
                """;
            File.WriteAllText(node.Config, $$"""
                server_name: {{node.Name}}
                listen: 127.0.0.1:{{node.ClientPort}}
                http: 127.0.0.1:{{node.MonitorPort}}
                jetstream {
                  store_dir: "{{node.Folder}}/js"
                  max_memory_store: 256MB
                  max_file_store: 8GB
                }
                {{clusterBlock}}
                """);
            node.Start(binary);
        }

        var cluster = new NatsCluster(folder, nodes);
        await cluster.WaitHealthyAsync();
        return cluster;
    }

    public NatsConnection Connect(string name) => new(new NatsOpts
    {
        Url = Urls,
        Name = name,
        RequestTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        MaxReconnectRetry = -1,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
        ReconnectWaitMax = TimeSpan.FromSeconds(1),
    });

    /// <summary>The server that leads a stream's replicas now.</summary>
    public async Task<Node> StreamLeaderAsync(INatsJSContext js, string stream)
    {
        INatsJSStream info = await js.GetStreamAsync(stream);
        string leader = info.Info.Cluster?.Leader ?? throw new InvalidOperationException("The stream has no leader.");
        return _nodes.Single(n => n.Name == leader);
    }

    /// <summary>Waits until every running server answers /healthz with 200 (JetStream current).</summary>
    public async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (Node node in _nodes.Where(n => n.Running))
        {
            while (true)
            {
                try
                {
                    using HttpResponseMessage response = await http.GetAsync(new Uri($"http://127.0.0.1:{node.MonitorPort}/healthz"), deadline.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
                {
                }

                if (node.Exited)
                {
                    throw new InvalidOperationException($"nats-server {node.Name} exited: {node.Log()}");
                }

                await Task.Delay(100, deadline.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Node node in _nodes)
        {
            node.Kill();
        }

        await Task.Yield();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindServer()
    {
        string? configured = Environment.GetEnvironmentVariable("NATS_SERVER");
        string[] candidates = [.. configured is null ? [] : new[] { configured }, .. (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(p => Path.Combine(p, "nats-server")), "/usr/sbin/nats-server", "/usr/bin/nats-server"];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nats-server is not installed: apt-get install nats-server (tests/run.sh installs it), or set NATS_SERVER to its path.");
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        int[] ports = [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    internal sealed class Node(string name, int clientPort, int clusterPort, int monitorPort, string folder)
    {
        private Process? _process;
        private readonly System.Text.StringBuilder _log = new();

        public string Name { get; } = name;

        public int ClientPort { get; } = clientPort;

        public int ClusterPort { get; } = clusterPort;

        public int MonitorPort { get; } = monitorPort;

        public string Folder { get; } = folder;

        public string Config => Path.Combine(Folder, "server.conf");

        public bool Running => _process is { HasExited: false };

        public bool Exited => _process is { HasExited: true };

        public int Pid => _process?.Id ?? 0;

        public void Start(string binary)
        {
            var start = new ProcessStartInfo(binary, ["-c", Config]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            _process = Process.Start(start) ?? throw new InvalidOperationException("nats-server did not start.");
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
            Binary = binary;
        }

        public string? Binary { get; private set; }

        public void Restart() => Start(Binary!);

        /// <summary>Kills the server by its PID (SIGKILL: no shutdown, no goodbye to the cluster).</summary>
        public void Kill()
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            _process?.Dispose();
            _process = null;
        }

        public string Log()
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_log)
            {
                if (_log.Length < 64 * 1024)
                {
                    _log.AppendLine(line);
                }
            }
        }
    }
}
