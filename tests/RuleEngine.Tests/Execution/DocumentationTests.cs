using System.Reflection;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Language;

namespace RuleEngine.Tests.Execution;

public class DocumentationTests
{
    [Fact]
    public void EveryDiagnosticCode_IsDocumented()
    {
        string root = DifferentialTests.RepositoryRoot();
        string docs = File.ReadAllText(Path.Combine(root, "docs", "language.md")) + File.ReadAllText(Path.Combine(root, "docs", "architecture.md"));
        var codes = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Contains(code, docs, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadmeQuickStart_RunsAsWritten()
    {
        string directory = Directory.CreateTempSubdirectory("quickstart").FullName;
        string cases = Path.Combine(directory, "cases.csv");
        string clues = Path.Combine(directory, "clues.jsonl");
        await File.WriteAllTextAsync(cases, "person_id,subtype,licence_status,effective_date\n11010519491231002X,醉酒驾驶,正常,2024-03-18\n370101190102039973,醉酒驾驶,吊销,2024-03-18\n");
        try
        {
            // The code below is README.md's quick start, with file paths made absolute.
            DatasetSchema schema = DatasetSchema.Create("dui_cases")
                .Add("person_id", FieldType.IdNumber)
                .Add("subtype", FieldType.String)
                .Add("licence_status", FieldType.String)
                .Add("effective_date", FieldType.Date)
                .Key("person_id")
                .Build();

            RuleSet rules = new RuleSetBuilder()
                .AddDataset(schema)
                .AddRule(new RuleDefinition("M02.R1", "dui_cases", "subtype = '醉酒驾驶' AND licence_status NOT IN ('吊销', '注销')"))
                .Build();

            RunSummary summary;
            await using (var sink = new JsonLinesClueSink(File.Create(clues), ownsStream: true))
            {
                summary = await rules.RunAsync(RecordSource.Csv(cases, schema), sink);
            }

            Assert.Equal((2L, 1L), (summary.RecordsRead, summary.CluesEmitted));
            Assert.Contains("\"subject\":\"110105********002X\"", await File.ReadAllTextAsync(clues), StringComparison.Ordinal);
            string readme = await File.ReadAllTextAsync(Path.Combine(DifferentialTests.RepositoryRoot(), "README.md"));
            Assert.Contains("\"subtype = '醉酒驾驶' AND licence_status NOT IN ('吊销', '注销')\"", readme, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
