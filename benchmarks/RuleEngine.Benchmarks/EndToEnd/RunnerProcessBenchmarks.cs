using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;

namespace RuleEngine.Benchmarks.EndToEnd;

/// <summary>
/// <c>rulerunner run</c> as a user runs it: one process per run, start to exit — the runtime's start, loading and
/// compiling the model, and a run that is over before all of its code is optimized — over the DuckDB comparison's
/// 1,000,000-row CSV and its rare rule, writing a clue file. The other benchmarks measure warm processes. Two builds of
/// the runner: the one <c>dotnet build</c> makes (what <c>dotnet run</c> starts) and the one its tool package holds,
/// compiled ahead of time (ReadyToRun; published here for this machine's platform). Dynamic PGO is set through the
/// environment, which overrides the runner's own setting (off, <c>RuleRunner.csproj</c>): "on" is the .NET default the
/// runner used before.
/// </summary>
public class RunnerProcessBenchmarks
{
    private string _folder = string.Empty;
    private string _input = string.Empty;
    private string _runner = string.Empty;

    /// <summary>Gets or sets dynamic PGO for the runner's process: <c>off</c> (as the runner ships) or <c>on</c> (the .NET default).</summary>
    [Params("off", "on")]
    public string DynamicPgo { get; set; } = "off";

    /// <summary>Gets or sets the runner's build: <c>build</c> (<c>dotnet build -c Release</c>, IL compiled as it runs) or <c>tool</c> (published ReadyToRun, as the tool package).</summary>
    [Params("build", "tool")]
    public string Build { get; set; } = "build";

    [GlobalSetup]
    public void Setup()
    {
        _input = PenaltyFile.Csv(1_000_000);
        string built = Path.Combine(RepositoryRoot(), "samples", "RuleRunner", "bin", "Release", "net10.0", "RuleRunner.dll");
        if (!File.Exists(built))
        {
            throw new InvalidOperationException($"Build the runner first (dotnet build -c Release samples/RuleRunner): {built} is missing.");
        }

        _runner = Build == "tool" ? PublishReadyToRun(built) : built;

        _folder = Directory.CreateTempSubdirectory("ruleengine-runner-bench-").FullName;
        Directory.CreateDirectory(Path.Combine(_folder, "models", "datasets"));
        File.WriteAllText(Path.Combine(_folder, "models", "datasets", "penalties.yaml"), """
            dataset: penalties
            key: [id_number]
            fields:
              - {name: id_number, type: id_number}
              - {name: name, type: string, personal: name}
              - {name: penalty, type: string}
              - {name: amount, type: decimal}
              - {name: decided, type: date}
              - {name: region, type: string}
              - {name: agency, type: string}
            """);
        File.WriteAllText(Path.Combine(_folder, "models", "p1.yaml"), """
            id: P1
            version: "1.0.0"
            name: 罚款或行政拘留
            status: listed
            branch: 行政
            supervision_point: 罚款一千元以上或行政拘留
            legal_basis:
              - {law: 中华人民共和国行政处罚法, article: 第九条, text: 行政处罚的种类。}
            owner_org: 某区人民检察院
            region: "330108"
            authors: [行政检察部门]
            description: The DuckDB comparison's rare rule, as a model file.
            rules:
              - id: R1
                from: penalties
                when:
                  - penalty IN ('行政拘留', '罚款') AND amount >= 1000
                clue:
                  title: 行政处罚 {penalty}
                  evidence: [id_number, penalty, amount]
                  severity: medium
            """);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Description = "rulerunner run, one process (1,000,000 rows)")]
    public int Run()
    {
        (int exitCode, string output) = Dotnet(
            [_runner, "run", "--models", Path.Combine(_folder, "models"), "--data", "penalties=" + _input, "--out", Path.Combine(_folder, "clues.jsonl"), "--progress", "off"],
            ("DOTNET_TieredPGO", DynamicPgo == "on" ? "1" : "0"));
        return exitCode == 0 ? exitCode : throw new InvalidOperationException($"The runner failed ({exitCode}): {output}");
    }

    /// <summary>
    /// Publishes the runner as its tool package holds it (ReadyToRun, this platform), once per build of the runner: the
    /// folder is named for the built runner's time of writing.
    /// </summary>
    private static string PublishReadyToRun(string built)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"ruleengine-runner-r2r-{File.GetLastWriteTimeUtc(built).Ticks}");
        string runner = Path.Combine(folder, "RuleRunner.dll");
        if (File.Exists(runner))
        {
            return runner;
        }

        (int exitCode, string output) = Dotnet(["publish", Path.Combine(RepositoryRoot(), "samples", "RuleRunner"), "-c", "Release", "-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-o", folder]);
        return exitCode == 0 && File.Exists(runner)
            ? runner
            : throw new InvalidOperationException($"Publishing the runner failed ({exitCode}): {output}");
    }

    /// <summary>Runs <c>dotnet</c> with the arguments and environment variables given, to its exit; gives its exit code and output (standard output, then error).</summary>
    private static (int ExitCode, string Output) Dotnet(string[] arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + errors.Result);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RuleEngine.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The benchmarks run from inside the repository (RuleEngine.sln above them).");
    }
}
