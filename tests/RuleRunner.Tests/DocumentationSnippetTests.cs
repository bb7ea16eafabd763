using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RuleRunner.Tests;

/// <summary>
/// Every C# block of the documentation (<c>docs/*.md</c> and each package's README) compiles against this build's
/// packages, so a renamed type or a changed signature cannot leave the docs behind. A block is a fragment: the test
/// gives it a <c>using</c> for every namespace of the RuleEngine packages and of the libraries the docs show beside
/// them. By default a block is top-level statements; an HTML comment on the line before the fence says otherwise:
/// <c>&lt;!-- snippet: file --&gt;</c> for type declarations, <c>&lt;!-- snippet: given T a, U b --&gt;</c> for a block
/// that uses variables the text around it introduces (the block becomes the body of an async method with those
/// parameters). The root README's program is compiled and run as it is, usings included, by <see cref="ReadmeTests"/>.
/// </summary>
public sealed partial class DocumentationSnippetTests
{
    /// <summary>Namespaces of the libraries the docs use beside RuleEngine's own.</summary>
    private static readonly string[] LibraryNamespaces =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Threading", "System.Threading.Tasks",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Npgsql", "NATS.Client.Core", "DuckDB.NET.Data",
    ];

    public static TheoryData<string, int> Snippets()
    {
        var data = new TheoryData<string, int>();
        foreach (string file in DocumentFiles())
        {
            int count = CSharpBlock().Matches(File.ReadAllText(Path.Combine(Runner.RepositoryRoot, file))).Count;
            for (int i = 0; i < count; i++)
            {
                data.Add(file, i + 1);
            }
        }

        return data;
    }

    [Fact]
    public void The_documentation_has_csharp_blocks_to_check()
    {
        Assert.True(Snippets().Count >= 10, $"Only {Snippets().Count} C# blocks found under docs/ and src/*/README.md.");
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void A_csharp_block_of_the_documentation_compiles_against_this_build(string file, int block)
    {
        Match match = CSharpBlock().Matches(File.ReadAllText(Path.Combine(Runner.RepositoryRoot, file)))[block - 1];
        string directive = match.Groups["directive"].Value.Trim();
        string code = match.Groups["code"].Value;
        string usings = string.Concat(Namespaces().Select(n => $"using {n};\n"));
        (string source, OutputKind kind) = directive switch
        {
            "" => (usings + code, OutputKind.ConsoleApplication),
            "file" => (usings + code, OutputKind.DynamicallyLinkedLibrary),
            _ when directive.StartsWith("given ", StringComparison.Ordinal) =>
                (usings + $"public static class Snippet\n{{\n    public static async Task Body({directive["given ".Length..]})\n    {{\n#line 1\n{code}\n        await Task.CompletedTask;\n    }}\n}}\n", OutputKind.DynamicallyLinkedLibrary),
            _ => throw new InvalidOperationException($"{file}: unknown snippet directive '{directive}'."),
        };

        CSharpCompilation compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: file)],
            References(),
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

        Diagnostic[] errors = [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];

        Assert.True(errors.Length == 0, $"{file}, C# block {block}:\n{string.Join('\n', errors.Select(e => e.ToString()))}\n---\n{code}");
    }

    private static IEnumerable<string> DocumentFiles()
    {
        string root = Runner.RepositoryRoot;
        return Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md")
            .Concat(Directory.EnumerateDirectories(Path.Combine(root, "src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>Every namespace with a public type in a RuleEngine assembly this build ships, and the libraries'.</summary>
    private static IEnumerable<string> Namespaces() =>
        LibraryNamespaces.Concat(PackageAssemblies()
            .SelectMany(a => a.GetExportedTypes())
            .Select(t => t.Namespace)
            .OfType<string>())
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal);

    private static IEnumerable<Assembly> PackageAssemblies() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "RuleEngine*.dll")
            .Where(p => !Path.GetFileName(p).Contains(".Worker", StringComparison.Ordinal))
            .Select(p => Assembly.LoadFrom(p));

    private static IEnumerable<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("xunit", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p));

    [GeneratedRegex(@"(?:<!--\s*snippet:(?<directive>[^\n]*?)-->\s*\n)?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
