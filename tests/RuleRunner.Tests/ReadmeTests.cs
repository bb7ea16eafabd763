using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace RuleRunner.Tests;

/// <summary>The README's code is a program a newcomer can paste: it compiles as it is and runs on the bundled data.</summary>
public sealed partial class ReadmeTests : IDisposable
{
    /// <summary>The global usings of a project made with <c>dotnet new console</c> (ImplicitUsings).</summary>
    private const string ImplicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    private readonly string _folder = Directory.CreateTempSubdirectory("rulerunner-readme-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_readme_code_compiles_as_written_and_runs_on_the_bundled_data()
    {
        string readme = File.ReadAllText(Path.Combine(Runner.RepositoryRoot, "README.md"));
        string code = CSharpBlock().Match(readme).Groups[1].Value;
        string[] references = [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Where(p => !Path.GetFileName(p).StartsWith("xunit", StringComparison.Ordinal))];
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Readme",
            [CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest)), CSharpSyntaxTree.ParseText(ImplicitUsings)],
            references.Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();

        EmitResult emitted = compilation.Emit(image);

        Assert.True(emitted.Success, string.Join('\n', emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        string output = Run(image.ToArray());
        Match summary = Regex.Match(output, @"^Records read 40, matched (\d+), rejected 0, rule errors 0, field warnings 0; clues (\d+) ", RegexOptions.Multiline);
        Assert.True(summary.Success, output);
        long drunkAndNotRevoked = File.ReadAllLines(Path.Combine(Runner.SampleData, "dui_cases.csv")).Skip(1).Select(l => l.Split(','))
            .Count(f => f[3] == "醉酒驾驶" && f[8] is not ("吊销" or "注销"));
        Assert.Equal(drunkAndNotRevoked.ToString(System.Globalization.CultureInfo.InvariantCulture), summary.Groups[2].Value);
        Assert.Equal(drunkAndNotRevoked, File.ReadLines(Path.Combine(_folder, "clues.jsonl")).Count());
    }

    /// <summary>
    /// Runs the program as a process of its own, beside the RuleEngine assemblies of this build, in a folder where
    /// <c>samples/</c> is the repository's (so its relative paths work and its output lands in the folder).
    /// </summary>
    private string Run(byte[] program)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, $"readme-{Guid.NewGuid():N}.dll");
        File.WriteAllBytes(dll, program);
        Directory.CreateSymbolicLink(Path.Combine(_folder, "samples"), Path.Combine(Runner.RepositoryRoot, "samples"));
        try
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { "exec", "--runtimeconfig", Path.Combine(AppContext.BaseDirectory, "RuleRunner.runtimeconfig.json"), dll })
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "The README's program did not finish.");
            return output + error.Result;
        }
        finally
        {
            File.Delete(dll);
        }
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
