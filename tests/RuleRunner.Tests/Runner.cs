using System.Diagnostics;

namespace RuleRunner.Tests;

/// <summary>Runs the runner (or another program) as a child process, as a user would, and returns its exit code and output.</summary>
internal static class Runner
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SampleModels => Path.Combine(RepositoryRoot, "samples", "models");

    public static string SampleData => Path.Combine(RepositoryRoot, "samples", "data");

    /// <summary>
    /// Copies the sample models into <paramref name="folder"/><c>/models</c>, leaving out the multi-stage ones (whose
    /// runs resume from their start), and the sample data beside them (their tests read it); returns the models folder.
    /// </summary>
    public static string SampleModelsWithoutStages(string folder)
    {
        string models = Path.Combine(folder, "models");
        Directory.CreateDirectory(Path.Combine(models, "datasets"));
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        foreach (string file in Directory.EnumerateFiles(Path.Combine(SampleModels, "datasets")))
        {
            File.Copy(file, Path.Combine(models, "datasets", Path.GetFileName(file)));
        }

        foreach (string file in Directory.EnumerateFiles(SampleModels).Where(f => !System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"^\s*derive:", System.Text.RegularExpressions.RegexOptions.Multiline)))
        {
            File.Copy(file, Path.Combine(models, Path.GetFileName(file)));
        }

        foreach (string file in Directory.EnumerateFiles(SampleData))
        {
            File.Copy(file, Path.Combine(folder, "data", Path.GetFileName(file)));
        }

        return models;
    }

    public static (int ExitCode, string Output) RuleRunner(params string[] arguments) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"), .. arguments]);

    /// <summary>Runs the runner with environment variables set (culture, time zone).</summary>
    public static (int ExitCode, string Output) RuleRunnerWith(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "RuleRunner.dll"), .. arguments], environment: environment);

    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)), $"{program} did not finish.");
        return (process.ExitCode, output + error.Result);
    }

    /// <summary>Runs a program with <paramref name="input"/> as its standard input (a session typed into it).</summary>
    public static (int ExitCode, string Output) RunWithInput(string program, IEnumerable<string> arguments, string input, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"{program} did not finish.");
        return (process.ExitCode, output.Result + error.Result);
    }

    private static string FindRoot()
    {
        string directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "RuleEngine.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("The repository root was not found.");
        }

        return directory;
    }
}
