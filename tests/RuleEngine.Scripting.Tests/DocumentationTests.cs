using System.Reflection;

namespace RuleEngine.Scripting.Tests;

public sealed class DocumentationTests
{
    [Fact]
    public void Every_script_diagnostic_code_is_documented()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RuleEngine.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        string docs = File.ReadAllText(Path.Combine(root, "docs", "scripting.md"));
        var codes = typeof(ScriptDiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Contains($"| {code} |", docs, StringComparison.Ordinal));
    }
}
