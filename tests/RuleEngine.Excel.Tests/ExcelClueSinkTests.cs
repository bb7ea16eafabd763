using System.IO.Compression;
using System.Text;
using MiniExcelLibs;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Excel.Tests;

/// <summary>Clues as a workbook a prosecutor opens: a sheet per model, the dataset's column names, typed cells, a frozen header, no formulas.</summary>
public sealed class ExcelClueSinkTests : IDisposable
{
    private static readonly DatasetSchema Suits = DatasetSchema.Create("suits")
        .Add("case_no", FieldType.CaseNo, source: "案号")
        .Add("plaintiff_id", FieldType.IdNumber, source: "原告身份证号")
        .Add("plaintiff_name", FieldType.String, PersonalDataKind.Name, source: "原告姓名")
        .Add("claim", FieldType.Decimal, source: "诉讼标的额")
        .Add("filed", FieldType.Date, source: "立案日期")
        .Add("note", FieldType.String, source: "备注")
        .Key("case_no")
        .Build();

    private const string Csv = """
        案号,原告身份证号,原告姓名,诉讼标的额,立案日期,备注
        （2024）京0105民初1号,11010519491231002X,张三丰,250000.5,2024-03-01,=HYPERLINK("http://x")
        （2024）京0105民初2号,110105194912310029,李四,90000,2024-03-02,+1
        （2024）京0105民初3号,110105194912310037,王五,500,2024-03-03,普通
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("ruleengine-xlsx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Each_model_gets_a_sheet_with_the_datasets_column_names_typed_cells_and_defused_text()
    {
        string path = Path.Combine(_folder, "clues.xlsx");
        RuleSet rules = new RuleSetBuilder().AddDataset(Suits)
            .AddRule(new RuleDefinition("M01.R1", "suits", "claim >= 50000") { ModelId = "M01", Clue = new ClueSpec { Evidence = ["plaintiff_name", "claim", "filed", "note"], Severity = ClueSeverity.High } })
            .AddRule(new RuleDefinition("M09.R1", "suits", "claim < 1000") { ModelId = "M09" })
            .Build();

        await using (var sink = new ExcelClueSink(File.Create(path), rules.Datasets, ownsStream: true))
        {
            RunSummary summary = await rules.RunAsync(RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(Csv)), Suits), sink);
            Assert.Equal(3, summary.CluesEmitted);
        }

        Assert.Equal(["M01", "M09"], MiniExcel.GetSheetNames(path));
        var m01 = MiniExcel.Query(path, useHeaderRow: true, sheetName: "M01").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(2, m01.Count);
        Assert.Equal("张*丰", m01[0]["原告姓名"]);
        Assert.Equal(250000.5, m01[0]["诉讼标的额"]);
        Assert.Equal(new DateTime(2024, 3, 1), m01[0]["立案日期"]);
        Assert.Equal("'=HYPERLINK(\"http://x\")", m01[0]["备注"]);
        Assert.Equal("'+1", m01[1]["备注"]);
        Assert.Equal("高", m01[0]["严重程度"]);
        Assert.Equal(2L, Convert.ToInt64(m01[0]["行号"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("（2024）京0105民初1号", m01[0]["主体"]);
        var m09 = MiniExcel.Query(path, useHeaderRow: true, sheetName: "M09").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal("（2024）京0105民初3号", Assert.Single(m09)["案号"]);

        // The header row is frozen, and no cell is a formula.
        using ZipArchive zip = ZipFile.OpenRead(path);
        string sheet1 = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open()).ReadToEnd();
        Assert.Contains("state=\"frozen\"", sheet1, StringComparison.Ordinal);
        Assert.DoesNotContain("<x:f>", sheet1, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_without_clues_still_writes_a_workbook_with_the_headings()
    {
        string path = Path.Combine(_folder, "empty.xlsx");
        RuleSet rules = new RuleSetBuilder().AddDataset(Suits).AddRule(new RuleDefinition("R1", "suits", "claim > 1e9")).Build();

        await using (var sink = new ExcelClueSink(File.Create(path), rules.Datasets, ownsStream: true))
        {
            await rules.RunAsync(RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(Csv)), Suits), sink);
        }

        Assert.Equal(["clues"], MiniExcel.GetSheetNames(path));
        var header = (IDictionary<string, object?>)Assert.Single(MiniExcel.Query(path, useHeaderRow: false));
        Assert.Contains("线索指纹", header.Values);
    }
}
