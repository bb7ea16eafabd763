using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Tests.Support;

namespace RuleEngine.Yaml.Tests;

public class ModelDiagnosticsTests
{
    private const string Header = "id: M1\nversion: '1'\nname: 模型\n";

    [Theory]
    [InlineData("from: cases\nwhen: amount > 1\nclue: {titel: x}\n", ModelDiagnosticIds.UnknownKey, 6, 8, "Did you mean 'title'?")]
    [InlineData("from: cases\n", ModelDiagnosticIds.MissingKey, 1, 1, "Add 'when:'.")]
    [InlineData("from: cases\nwhen: {a: 1}\n", ModelDiagnosticIds.WrongValueType, 5, 7, null)]
    [InlineData("authors: {a: 1}\nfrom: cases\nwhen: amount > 1\n", ModelDiagnosticIds.WrongValueType, 4, 10, null)]
    [InlineData("status: published\nfrom: cases\nwhen: amount > 1\n", ModelDiagnosticIds.InvalidValue, 4, 9, "One of: draft, review, listed, retired.")]
    [InlineData("branch: 检察\nfrom: cases\nwhen: amount > 1\n", ModelDiagnosticIds.InvalidValue, 4, 9, null)]
    [InlineData("region: 33000\nfrom: cases\nwhen: amount > 1\n", ModelDiagnosticIds.InvalidValue, 4, 9, null)]
    [InlineData("region: \"991000\"\nfrom: cases\nwhen: amount > 1\n", ModelDiagnosticIds.InvalidValue, 4, 9, null)]
    [InlineData("from: cases\nwhen: amount > 1\nclue: {severity: urgent}\n", ModelDiagnosticIds.InvalidValue, 6, 18, "One of: low, medium, high.")]
    [InlineData("from: cases\nwhen: amount > 1\nrules: []\n", ModelDiagnosticIds.InvalidValue, 6, 1, null)]
    [InlineData("parameters:\n  n: {type: number, default: 1, justification: x}\nfrom: cases\nwhen: amount > $n\n", ModelDiagnosticIds.InvalidValue, 5, 13, null)]
    [InlineData("parameters:\n  n: {type: int, default: 1}\nfrom: cases\nwhen: amount > $n\n", ModelDiagnosticIds.MissingKey, 5, 6, "Say why")]
    [InlineData("parameters:\n  n: {type: int, default: x1, justification: x}\nfrom: cases\nwhen: amount > $n\n", ModelDiagnosticIds.WrongValueType, 5, 27, null)]
    [InlineData("parameters:\n  n: {type: int, default: 1, justification: x, regions: {\"33\": 2}}\nfrom: cases\nwhen: amount > $n\n", ModelDiagnosticIds.InvalidValue, 5, 58, null)]
    [InlineData("parameters:\n  n: {type: \"int[]\", default: 1, justification: x}\nfrom: cases\nwhen: amount > $n\n", ModelDiagnosticIds.WrongValueType, 5, 31, null)]
    [InlineData("rules:\n  - {id: R1, from: cases, when: amount > 1}\n  - {id: R1, from: cases, when: amount > 2}\n", ModelDiagnosticIds.DuplicateId, 6, 10, null)]
    [InlineData("rules:\n  - {id: 'R 1', from: cases, when: amount > 1}\n", ModelDiagnosticIds.InvalidValue, 5, 10, null)]
    [InlineData("from: case\nwhen: amount > 1\n", DiagnosticIds.UnknownDataset, 4, 7, "Did you mean 'cases'?")]
    [InlineData("from: cases\nwhen: amount > 1\nclue: {evidence: [amount, amout]}\n", DiagnosticIds.UnknownField, 6, 27, "Did you mean 'amount'?")]
    [InlineData("from: cases\nwhen: amount > $limit\n", DiagnosticIds.UnknownParameter, 5, 16, null)]
    [InlineData("from: cases\nwhen: amount > 1\ntests:\n  - {name: t, records: {case: []}, expect: []}\n", ModelDiagnosticIds.InvalidTestData, 7, 25, "Did you mean 'cases'?")]
    [InlineData("from: cases\nwhen: amount > 1\ntests:\n  - name: t\n    records:\n      cases:\n        - {amout: 1}\n    expect: []\n", ModelDiagnosticIds.InvalidTestData, 10, 11, "Did you mean 'amount'?")]
    [InlineData("from: cases\nwhen: amount > 1\ntests:\n  - {name: t, records: {cases: {file: nowhere.csv}}, expect: []}\n", ModelDiagnosticIds.FileNotFound, 7, 39, null)]
    [InlineData("from: cases\nwhen: amount > 1\ntests:\n  - {name: t, records: {cases: []}}\n", ModelDiagnosticIds.MissingKey, 7, 5, null)]
    [InlineData("rules:\n  - {id: R1, from: cases, when: amount > 1}\n  - {id: R2, from: cases, when: amount > 2}\ntests:\n  - {name: t, records: {cases: []}, expect: [{subject: x}]}\n", ModelDiagnosticIds.InvalidTestData, 8, 46, null)]
    public void Load_ModelProblem_ReportsCodeAtLineAndColumn(string body, string code, int line, int column, string? hint)
    {
        Diagnostic diagnostic = DiagnosticAssert.Only(ModelFolder.LoadModel(Header + body).Diagnostics, code, line, column);
        if (hint is not null)
        {
            Assert.Contains(hint, diagnostic.Hint, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_MissingRequiredMetadata_ReportsEachKey()
    {
        IReadOnlyList<Diagnostic> diagnostics = ModelFolder.LoadModel("id: M1\nfrom: cases\nwhen: amount > 1\n").Diagnostics;
        Assert.Equal(["Add 'version:'.", "Add 'name:'."], diagnostics.Where(d => d.Id == ModelDiagnosticIds.MissingKey).Select(d => d.Hint));
    }

    [Fact]
    public void Load_ManyProblemsInOneFile_ReportsThemAllTogether()
    {
        string model = "id: M1\nversion: '1'\nname: x\nstatus: gone\nfrom: cases\nwhen: amout > 1 AND lenght(name) > 2\nclue: {titel: x}\n";
        IReadOnlyList<Diagnostic> diagnostics = ModelFolder.LoadModel(model).Diagnostics;
        Assert.Equal(
            [ModelDiagnosticIds.InvalidValue, DiagnosticIds.UnknownField, DiagnosticIds.UnknownFunction, ModelDiagnosticIds.UnknownKey],
            diagnostics.Select(d => d.Id));
    }

    [Theory]
    [InlineData("dataset: cases\nfields:\n  - {name: a, type: money}\n", ModelDiagnosticIds.InvalidValue, 3, 21)]
    [InlineData("dataset: cases\nfields:\n  - {name: a, type: int, personal: secret}\n", ModelDiagnosticIds.InvalidValue, 3, 36)]
    [InlineData("dataset: cases\nformat: xml\nfields:\n  - {name: a, type: int}\n", ModelDiagnosticIds.InvalidValue, 2, 9)]
    [InlineData("dataset: cases\nencoding: big5\nfields:\n  - {name: a, type: int}\n", ModelDiagnosticIds.InvalidValue, 2, 11)]
    [InlineData("dataset: cases\nseparator: ';;'\nfields:\n  - {name: a, type: int}\n", ModelDiagnosticIds.InvalidValue, 2, 12)]
    [InlineData("dataset: cases\nformat: jsonl\nseparator: ';'\nfields:\n  - {name: a, type: int}\n", ModelDiagnosticIds.InvalidValue, 3, 12)]
    [InlineData("dataset: cases\nkey: [b]\nfields:\n  - {name: a, type: int}\n", ModelDiagnosticIds.InvalidValue, 2, 6)]
    [InlineData("dataset: cases\nsheet: 处罚\nfields:\n  - {name: a, type: int}\n", ModelDiagnosticIds.InvalidValue, 2, 8)]
    [InlineData("dataset: cases\nformat: xlsx\nheader_row: zero\nfields:\n  - {name: a, type: int}\n", ModelDiagnosticIds.InvalidValue, 3, 13)]
    [InlineData("dataset: cases\nformat: xlsx\nseparator: ';'\nfields:\n  - {name: a, type: int}\n", ModelDiagnosticIds.InvalidValue, 3, 12)]
    [InlineData("dataset: cases\nfields:\n  - {name: a, type: int}\n  - {name: a, type: long}\n", ModelDiagnosticIds.DuplicateId, 4, 12)]
    [InlineData("dataset: cases\n", ModelDiagnosticIds.MissingKey, 1, 1)]
    [InlineData("dataset: cases\nfields:\n  - name: a\n    type: date\n    statistics:\n      bounds: [2024-01-01, 2024-13-01]\n", ModelDiagnosticIds.InvalidValue, 6, 28)]
    [InlineData("dataset: cases\nfields:\n  - name: a\n    type: int\n    statistics:\n      bounds: [10, 5]\n", ModelDiagnosticIds.InvalidValue, 6, 20)]
    [InlineData("dataset: cases\nfields:\n  - name: a\n    type: string\n    statistics:\n      bounds: [a, b]\n", ModelDiagnosticIds.InvalidValue, 6, 15)]
    [InlineData("dataset: cases\nfields:\n  - name: a\n    type: int\n    statistics:\n      common: {1: 0.5, x: 0.1}\n", ModelDiagnosticIds.InvalidValue, 6, 24)]
    [InlineData("dataset: cases\nfields:\n  - name: a\n    type: string\n    statistics:\n      common: {甲: 0.7, 乙: 0.6}\n", ModelDiagnosticIds.InvalidValue, 6, 15)]
    [InlineData("dataset: cases\nfields:\n  - name: a\n    type: string\n    statistics:\n      common: {甲: 1.5}\n", ModelDiagnosticIds.InvalidValue, 6, 16)]
    [InlineData("dataset: cases\nfields:\n  - name: a\n    type: string\n    statistics:\n      distinct: 1\n      common: {甲: 0.5, 乙: 0.1}\n", ModelDiagnosticIds.InvalidValue, 6, 17)]
    [InlineData("dataset: cases\nfields:\n  - name: a\n    type: string\n    statistics:\n      nulls: many\n", ModelDiagnosticIds.WrongValueType, 6, 14)]
    [InlineData("dataset: cases\nfields:\n  - name: a\n    type: string\n    statistics:\n      commons: {甲: 0.5}\n", ModelDiagnosticIds.UnknownKey, 6, 7)]
    public void Load_DatasetProblem_ReportsCodeAtLineAndColumn(string dataset, string code, int line, int column) =>
        DiagnosticAssert.Has(ModelFolder.LoadModel(Header + "from: cases\nwhen: TRUE\n", dataset).Diagnostics, code, line, column, "cases.yaml");

    [Fact]
    public void Load_FormatParquet_SaysThatTheFileIsReadByItsExtension()
    {
        Diagnostic format = Assert.Single(ModelFolder.LoadModel(Header + "from: cases\nwhen: TRUE\n", "dataset: cases\nformat: parquet\nfields:\n  - {name: a, type: int}\n").Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        Assert.Equal((ModelDiagnosticIds.InvalidValue, 2), (format.Id, format.Location.Line));
        Assert.Contains("ending in .parquet", format.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FieldStatistics_AreReadIntoTheSchemaWithTheirValuesAsWritten()
    {
        ModelSet models = ModelFolder.LoadModel(
            Header + "from: cases\nwhen: cause = '盗窃' AND amount >= 1000\n",
            "dataset: cases\nfields:\n  - name: cause\n    type: string\n    statistics:\n      distinct: 40\n      nulls: 0.02\n      common: {盗窃: 0.3, 危险驾驶: 0.25}\n  - name: amount\n    type: decimal\n    statistics:\n      bounds: [0, 200, 1000, 50000]\n");

        Assert.False(models.HasErrors, string.Join("\n", models.Diagnostics));
        Schema.FieldStatistics cause = models.Datasets["cases"].Schema.Fields[0].Statistics!;
        Assert.Equal((40, 0.02), (cause.Distinct!.Value, cause.Nulls));
        Assert.Equal(new Dictionary<string, double> { ["盗窃"] = 0.3, ["危险驾驶"] = 0.25 }, cause.Common);
        Assert.Equal(["0", "200", "1000", "50000"], models.Datasets["cases"].Schema.Fields[1].Statistics!.Bounds);
        Assert.Single(models.Compile().Rules);
    }

    [Fact]
    public void Load_ExcelDataset_ReadsItsSheetAndHeaderRowAndNamesItsDataFile()
    {
        ModelSet models = ModelFolder.LoadModel(Header + "from: cases\nwhen: a > 1\n", "dataset: cases\nformat: xlsx\nsheet: 处罚\nheader_row: 3\nfields:\n  - {name: a, type: int, source: 数量}\n");

        Assert.False(models.HasErrors, string.Join("\n", models.Diagnostics));
        DatasetDefinition cases = models.Datasets["cases"];
        Assert.Equal((DataFormat.Xlsx, "处罚", 3, "cases.xlsx"), (cases.Format, cases.Sheet, cases.HeaderRow, cases.DataFileName));
    }

    [Fact]
    public void Load_RetiredModel_IsReportedAsInformationAndNotCompiled()
    {
        ModelSet models = ModelFolder.LoadModel(Header + "status: retired\nfrom: cases\nwhen: amount > 1\n");
        Diagnostic info = Assert.Single(models.Diagnostics);
        Assert.Equal((ModelDiagnosticIds.ModelRetired, DiagnosticSeverity.Info), (info.Id, info.Severity));
        Assert.Empty(models.Compile().Rules);
    }

    [Fact]
    public void Load_FolderWithASymbolicLinkLoop_ReadsEachFolderOnceAndSaysSo()
    {
        using var folder = new ModelFolder(("datasets/cases.yaml", ModelFolder.Cases), ("m.yaml", Header + "from: cases\nwhen: amount > 1\n"));
        Directory.CreateSymbolicLink(System.IO.Path.Combine(folder.Path, "loop"), folder.Path);
        Directory.CreateSymbolicLink(System.IO.Path.Combine(folder.Path, "datasets", "up"), System.IO.Path.Combine(folder.Path, "datasets", ".."));

        ModelSet models = ModelSet.Load(folder.Path);

        Assert.False(models.HasErrors, string.Join("\n", models.Diagnostics));
        Assert.Equal(2, models.Diagnostics.Count(d => d.Id == ModelDiagnosticIds.FolderLoop));
        Assert.DoesNotContain(models.Diagnostics, d => d.Id == ModelDiagnosticIds.DuplicateId);
        Assert.Single(models.Compile().Rules);
    }

    [Fact]
    public void Load_MissingFolder_ReportsFileNotFound() =>
        Assert.Equal(ModelDiagnosticIds.FileNotFound, Assert.Single(ModelSet.Load("/nonexistent/models").Diagnostics).Id);

    [Fact]
    public void Load_SingleModelFile_FindsTheDatasetsBesideIt()
    {
        using var folder = new ModelFolder(("datasets/cases.yaml", ModelFolder.Cases), ("m.yaml", Header + "from: cases\nwhen: amount > 1\n"));
        ModelSet models = ModelSet.Load(Path.Combine(folder.Path, "m.yaml"));
        Assert.False(models.HasErrors, string.Join("\n", models.Diagnostics));
        Assert.Equal(["cases"], models.Datasets.Keys);
    }

    [Fact]
    public void Diagnostic_ToString_IsMsBuildFormat()
    {
        Diagnostic diagnostic = ModelFolder.LoadModel(Header + "from: cases\nwhen: amout > 1\n").Diagnostics.Single();
        Assert.EndsWith("m.yaml(5,7): error RE2001: Dataset 'cases' has no field 'amout'. Did you mean 'amount'?", diagnostic.ToString(), StringComparison.Ordinal);
    }
}
