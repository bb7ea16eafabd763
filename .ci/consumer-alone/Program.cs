// The package-alone consumer tests: a fresh console project that references ONE RuleEngine package by version from
// the local feed, and nothing else of ours, must restore, build and work with that package's defaults. .ci/run builds
// this file once per package with the package's name as a compilation symbol (RULEENGINE_SQL, RULEENGINE_EXCEL, …).
// Each variant runs the README's rule over the bundled dui_cases.csv in-process, then through the package, and
// requires the same number of clues: a native library or a dependency that does not flow to a consumer fails here.
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Schema;

string data = args[0];
string work = args[1];
DatasetSchema cases = DatasetSchema.Create("dui_cases")
    .Add("person_id", FieldType.IdNumber, source: "公民身份号码")
    .Add("subtype", FieldType.String, source: "情形")
    .Add("licence_status", FieldType.String, source: "驾驶证状态")
    .Add("effective_date", FieldType.Date, source: "生效日期")
    .Key("person_id")
    .Build();
RuleSet rules = new RuleSetBuilder()
    .AddDataset(cases)
    .AddRule(new RuleDefinition("M02.R1", "dui_cases", "subtype = '醉酒驾驶' AND licence_status NOT IN ('吊销', '注销')"))
    .Build();
string csv = Path.Combine(data, "dui_cases.csv");
RunSummary inProcess = await rules.RunAsync(RecordSource.Csv(csv, cases), new CountingSink());
long throughPackage;

#if RULEENGINE_SQL
// DuckDB's native library must come with RuleEngine.Sql (through DuckDB.NET's runtime packages).
await using (var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:"))
{
    await connection.OpenAsync();
    await RuleEngine.Sql.SqlTableLoader.LoadAsync(connection, RecordSource.Csv(csv, cases), "dui_cases");
    RuleEngine.Sql.SqlPlan plan = RuleEngine.Sql.SqlPlan.Create(rules, RuleEngine.Sql.SqlDialect.DuckDb, [new RuleEngine.Sql.SqlTable("dui_cases", "dui_cases")]);
    throughPackage = (await plan.RunAsync(connection, new CountingSink())).CluesEmitted;
}
#elif RULEENGINE_EXCEL
// The export as a workbook (MiniExcel comes with RuleEngine.Excel), read back as a record source, clues written as one.
string workbook = Path.Combine(work, "dui_cases.xlsx");
var rows = new List<Dictionary<string, object?>>();
using (var reader = new StreamReader(csv))
{
    string[] header = reader.ReadLine()!.Split(',');
    while (reader.ReadLine() is { } line)
    {
        string[] cells = line.Split(',');
        rows.Add(header.Select((name, i) => (name, value: (object?)cells[i])).ToDictionary(c => c.name, c => c.value));
    }
}

await MiniExcelLibs.MiniExcel.SaveAsAsync(workbook, rows);
await using (var sink = new RuleEngine.Excel.ExcelClueSink(File.Create(Path.Combine(work, "clues.xlsx")), rules.Datasets, ownsStream: true))
{
    throughPackage = (await rules.RunAsync(RuleEngine.Excel.ExcelSource.Open(workbook, cases), sink)).CluesEmitted;
}

if (new FileInfo(Path.Combine(work, "clues.xlsx")).Length == 0)
{
    throughPackage = -1;
}
#elif RULEENGINE_CLUESTORE
// SQLite's native library must come with RuleEngine.ClueStore; a second run over the same data raises nothing new.
await using (var store = await RuleEngine.ClueStore.ClueStore.OpenAsync(Path.Combine(work, "clues.db")))
{
    long raised = 0;
    for (int run = 0; run < 2; run++)
    {
        await using var storeRun = await store.BeginRunAsync(new RuleEngine.ClueStore.ClueStoreRunInfo { Models = [new RuleEngine.ClueStore.RunModel("M02", "1", string.Empty)] });
        var stored = await storeRun.CompleteAsync(await rules.RunAsync(RecordSource.Csv(csv, cases), storeRun));
        raised += stored.NewClues;
        Console.WriteLine($"store run {stored.Id}: {stored.NewClues} new, {stored.SeenAgain} seen again");
    }

    throughPackage = raised;
}
#else
// A package with no run of its own here (its tests need a server or a file format this project does not write):
// it restores and builds alone, and the core it brings runs.
throughPackage = inProcess.CluesEmitted;
#endif

Console.WriteLine($"in-process={inProcess.CluesEmitted} package={throughPackage}");
return inProcess.CluesEmitted > 0 && throughPackage == inProcess.CluesEmitted ? 0 : 1;

sealed class CountingSink : IClueSink
{
    public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
