using System.Globalization;
using MiniExcelLibs;

namespace RuleRunner.Tests;

/// <summary>Government exports arrive as .xlsx and prosecutors read clues in Excel: the runner takes the one and writes the other.</summary>
public sealed class ExcelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rulerunner-excel-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_data_folder_with_an_xlsx_export_gives_the_clues_of_its_CSV_and_xlsx_output_has_a_sheet_per_model()
    {
        // The drunk-driving export as a workbook: numbers and dates as typed cells, as Excel would hold them.
        string data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(data);
        string[] lines = File.ReadAllLines(Path.Combine(Runner.SampleData, "dui_cases.csv"));
        string[] header = lines[0].Split(',');
        MiniExcel.SaveAs(Path.Combine(data, "dui_cases.xlsx"), lines.Skip(1).Select(line => header.Zip(line.Split(','), (name, cell) => (name, Cell(cell))).ToDictionary(x => x.name, x => x.Item2)));
        File.Copy(Path.Combine(Runner.SampleData, "lending_suits.csv"), Path.Combine(data, "lending_suits.csv"));
        string fromCsv = Path.Combine(_folder, "csv.jsonl");
        string workbook = Path.Combine(_folder, "clues.xlsx");

        (int csvRun, string csvOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data", "dui_cases=" + Path.Combine(Runner.SampleData, "dui_cases.csv"), "--data", "lending_suits=" + Path.Combine(Runner.SampleData, "lending_suits.csv"), "--out", fromCsv, "--progress", "off");
        (int xlsxRun, string xlsxOutput) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", data, "--out", workbook, "--format", "xlsx", "--progress", "off");

        Assert.True(csvRun == 0, csvOutput);
        Assert.True(xlsxRun == 0, xlsxOutput);
        Assert.Contains("dui_cases: 40 read from 41 line(s): 1 header, 40 in records", xlsxOutput, StringComparison.Ordinal);
        string[] jsonl = File.ReadAllLines(fromCsv);
        string[] models = [.. jsonl.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("model").GetString()!).Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal(models, MiniExcel.GetSheetNames(workbook).Order(StringComparer.Ordinal));
        int rows = models.Sum(m => MiniExcel.Query(workbook, useHeaderRow: true, sheetName: m).Count());
        Assert.Equal(jsonl.Length, rows);
        var m02 = MiniExcel.Query(workbook, useHeaderRow: true, sheetName: "M02").Cast<IDictionary<string, object?>>().ToList();
        Assert.All(m02, row => Assert.Matches(@"^\d{6}\*{8}[\dX]{4}$", (string)row["主体"]!));
        Assert.Contains(m02, row => row["公民身份号码"] is string id && id.Contains("********", StringComparison.Ordinal));
    }

    [Fact]
    public void Xlsx_output_needs_a_file_and_no_checkpoint()
    {
        (int exitCode, string output) = Runner.RuleRunner("run", "--models", Runner.SampleModels, "--data-dir", Runner.SampleData, "--format", "xlsx");

        Assert.Equal(2, exitCode);
        Assert.Contains("--format xlsx: give --out", output, StringComparison.Ordinal);
    }

    private static object? Cell(string text) =>
        text.Length == 0 ? null
        : DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date) ? date
        : text.Length < 15 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? number
        : text is "true" or "false" ? text == "true"
        : text;
}
