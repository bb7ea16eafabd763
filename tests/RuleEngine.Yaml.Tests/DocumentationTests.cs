using System.Reflection;
using System.Text.Json;
using RuleEngine.Yaml.Binding;

namespace RuleEngine.Yaml.Tests;

public class DocumentationTests
{
    [Fact]
    public void EveryModelDiagnosticCode_IsDocumented()
    {
        string docs = File.ReadAllText(Path.Combine(ModelCompileAndTestRunnerTests.RepositoryRoot(), "docs", "model-format.md"));
        foreach (FieldInfo field in typeof(ModelDiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            Assert.Contains((string)field.GetValue(null)!, docs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ModelJsonSchema_HasExactlyTheKeysTheReaderAccepts()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelCompileAndTestRunnerTests.RepositoryRoot(), "schemas", "model.schema.json")));
        JsonElement root = schema.RootElement;
        JsonElement definitions = root.GetProperty("definitions");
        AssertKeys(ModelReader.Keys, root);
        AssertKeys(ModelReader.RuleKeys, definitions.GetProperty("rule"));
        AssertKeys(ModelReader.ClueKeys, definitions.GetProperty("clue"));
        AssertKeys(ModelReader.ParameterKeys, definitions.GetProperty("parameter"));
        AssertKeys(ModelReader.TestKeys, definitions.GetProperty("test"));
        AssertKeys(ModelReader.LegalBasisKeys, root.GetProperty("properties").GetProperty("legal_basis").GetProperty("items"));
        AssertKeys(ModelReader.ExpectKeys, definitions.GetProperty("test").GetProperty("properties").GetProperty("expect").GetProperty("items"));
        AssertKeys(ModelReader.WarningKeys, definitions.GetProperty("test").GetProperty("properties").GetProperty("warnings").GetProperty("items"));
        AssertKeys(ModelReader.JoinKeys, definitions.GetProperty("joins").GetProperty("items"));
        AssertKeys(ModelReader.WindowKeys, definitions.GetProperty("window"));
        AssertKeys(ModelReader.DeriveKeys, definitions.GetProperty("derive"));
        AssertKeys(ModelReader.DeadlineKeys, definitions.GetProperty("deadline"));
        AssertKeys(ModelReader.FollowUpKeys, definitions.GetProperty("deadline").GetProperty("properties").GetProperty("follow_up"));
    }

    [Fact]
    public void DatasetJsonSchema_HasExactlyTheKeysTheReaderAccepts()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelCompileAndTestRunnerTests.RepositoryRoot(), "schemas", "dataset.schema.json")));
        AssertKeys(DatasetReader.Keys, schema.RootElement);
        JsonElement field = schema.RootElement.GetProperty("properties").GetProperty("fields").GetProperty("items");
        AssertKeys(DatasetReader.FieldKeys, field);
        AssertKeys(DatasetReader.StatisticsKeys, field.GetProperty("properties").GetProperty("statistics"));
    }

    private static void AssertKeys(string[] expected, JsonElement objectSchema) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), objectSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
}
