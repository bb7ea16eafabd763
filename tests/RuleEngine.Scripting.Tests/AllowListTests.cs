using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

/// <summary>
/// Tests generated from the allow-list itself: every line names real symbols of the assembly it is filed under,
/// every denial is enforced with its hint, and the published report matches the list.
/// </summary>
public sealed class AllowListTests
{
    private static readonly Lazy<CSharpCompilation> Compilation = new(() => CSharpCompilation.Create("probe", references: ScriptRuleCompiler.ReferenceSet));

    public static TheoryData<int, string, string> Lines()
    {
        var data = new TheoryData<int, string, string>();
        foreach (AllowListEntry entry in AllowList.Default.Entries)
        {
            data.Add(entry.Line, entry.Assembly, entry.Id + (entry.AllOverloads ? "(*)" : string.Empty));
        }

        return data;
    }

    public static TheoryData<string, string> DeniedProperties()
    {
        var data = new TheoryData<string, string>();
        foreach (AllowListEntry entry in AllowList.Default.Entries.Where(e => e.Denied && e.Id.StartsWith("P:", StringComparison.Ordinal)))
        {
            data.Add(entry.Id[2..], entry.Note!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Every_line_names_symbols_of_its_assembly(int line, string assembly, string id)
    {
        AllowListEntry entry = AllowList.Default.Entries.Single(e => e.Line == line);
        IEnumerable<ISymbol> symbols = entry.AllOverloads ? Group(entry.Id) : DocumentationCommentId.GetSymbolsForDeclarationId(entry.Id, Compilation.Value);

        Assert.True(symbols.Any(s => s.ContainingAssembly?.Identity.Name == assembly), $"allow-list.txt line {line}: {id} names nothing in {assembly}.");
    }

    [Theory]
    [MemberData(nameof(DeniedProperties))]
    public void A_denied_property_is_refused_with_its_hint(string property, string hint)
    {
        var diagnostic = Scripts.Rejected($"var value = {property}; return true;", ScriptDiagnosticIds.SymbolNotAllowed);

        Assert.Equal(hint, diagnostic.Hint);
    }

    [Fact]
    public void The_published_report_matches_the_list()
    {
        string path = Path.Combine(RepositoryRoot(), "docs", "scripting-allow-list.md");
        string expected = Report(AllowList.Default);
        if (Environment.GetEnvironmentVariable("RULEENGINE_WRITE_REPORTS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path) && File.ReadAllText(path) == expected, "docs/scripting-allow-list.md is out of date: run the tests once with RULEENGINE_WRITE_REPORTS=1 and commit the file.");
    }

    private static IEnumerable<ISymbol> Group(string id)
    {
        int dot = id.LastIndexOf('.');
        string name = id[(dot + 1)..];
        return DocumentationCommentId.GetSymbolsForDeclarationId("T:" + id[2..dot], Compilation.Value)
            .OfType<INamedTypeSymbol>()
            .SelectMany(t => t.GetMembers().Where(m => m.MetadataName == name || m.Name == name));
    }

    private static string Report(AllowList list)
    {
        var text = new StringBuilder();
        text.Append("# What C# scripts may use\n\n");
        text.Append("Generated from `src/RuleEngine.Scripting/allow-list.txt` by `AllowListTests`; do not edit by hand.\n");
        text.Append("Everything not listed is denied. See `docs/scripting.md` for how the list is enforced.\n");
        foreach (IGrouping<string, AllowListEntry> assembly in list.Entries.GroupBy(e => e.Assembly))
        {
            text.Append("\n## ").Append(assembly.Key).Append("\n\n| symbol | allows | note |\n|---|---|---|\n");
            foreach (AllowListEntry entry in assembly)
            {
                string allows = entry switch
                {
                    { Denied: true } => "**denied**",
                    { AllMembers: true } => "the type and all its members",
                    { AllOverloads: true } => "every overload",
                    { Id: ['T', ..] } => "the type only",
                    _ => "this member",
                };
                text.Append("| `").Append(entry.Id[2..]).Append("` | ").Append(allows).Append(" | ").Append(entry.Note?.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |\n");
            }
        }

        return text.ToString();
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RuleEngine.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found.");
    }
}
