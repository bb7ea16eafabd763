using System.Diagnostics;

namespace RuleEngine.Scripting.Tests;

/// <summary>
/// Scripts that would kill a process if the gate or the budgets missed them (a stack overflow cannot be caught) run
/// in a child process — the sample runner — whose exit code and output are checked, so this test process survives
/// whatever happens.
/// </summary>
public sealed class ChildProcessTests : IDisposable
{
    private const string Dataset = """
        dataset: suits
        key: [case_no]
        fields:
          - {name: case_no, type: case_no}
          - {name: amount, type: decimal}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("re-child-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Model(string id, string script) => $"""
        id: {id}
        version: "1.0"
        name: {id}
        from: suits
        script: |
        {string.Join('\n', script.Split('\n').Select(l => "  " + l))}
        """;

    private (int ExitCode, string Output) Run(params (string Id, string Script)[] models)
    {
        string modelFolder = Path.Combine(_folder, "models");
        Directory.CreateDirectory(modelFolder);
        File.WriteAllText(Path.Combine(modelFolder, "suits.yaml"), Dataset);
        foreach ((string id, string script) in models)
        {
            File.WriteAllText(Path.Combine(modelFolder, id + ".yaml"), Model(id, script));
        }

        string data = Path.Combine(_folder, "suits.csv");
        File.WriteAllText(data, "case_no,amount\nA1,100\nA2,200\nA3,300\n");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"), "run", "--models", modelFolder, "--data", "suits=" + data })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "The child run did not finish.");
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public void Runaway_scripts_are_stopped_on_each_record_and_the_run_completes()
    {
        (int exitCode, string output) = Run(
            ("Recursion", "int F(int n) => F(n + 1) + 1;\nreturn F(0) > 0;"),
            ("LambdaRecursion", "Func<int, int> f = null!;\nf = n => f(n + 1) + 1;\nreturn f(0) > 0;"),
            ("Loop", "while (true) { }"),
            ("Doubling", "var s = \"ab\";\nwhile (true) { s += s; }"),
            ("Sound", "r.Amount >= 200m"));

        Assert.True(exitCode == 3, output); // finished, with rule errors: the runner says so by its exit code
        Assert.Contains("rule errors: 12", output, StringComparison.Ordinal);
        Assert.Contains("Sound: 2", output, StringComparison.Ordinal);
        Assert.Contains("RE6302", output, StringComparison.Ordinal);
        Assert.Contains("RE6301", output, StringComparison.Ordinal);
        Assert.Contains("RE6303", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_overflowing_stackalloc_is_refused_before_it_runs()
    {
        (int exitCode, string output) = Run(("Stack", "int G() { Span<byte> s = stackalloc byte[200_000_000]; return s.Length; }\nreturn G() > 0;"));

        Assert.True(exitCode == 1, output);
        Assert.Contains("error RE6203", output, StringComparison.Ordinal);
        Assert.Contains("Stack.yaml(6,", output, StringComparison.Ordinal);
    }
}
