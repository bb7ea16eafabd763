using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.EndToEnd;

/// <summary>A 200,000-record CSV file: parsing it alone into typed records, against running 100 rules over it to clues.</summary>
[MemoryDiagnoser]
public class CsvBenchmarks
{
    private const int RecordCount = 200_000;
    private string _path = string.Empty;
    private DatasetSchema _schema = null!;
    private RuleSet _rules = null!;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "ruleengine-benchmark-cases.csv");
        _rules = CaseWorkload.RuleEngineRules(CaseWorkload.Rules(100));
        _schema = _rules.Datasets["cases"];
        var text = new StringBuilder(string.Join(",", _schema.Fields.Select(f => f.Name))).Append('\n');
        foreach (CaseRecord r in CaseWorkload.Records(RecordCount))
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.CaseNo},{r.CaseType},{r.Cause},{r.PersonId},{r.FilingDate:yyyy-MM-dd},{r.JudgmentDate:yyyy-MM-dd},{r.Court},{r.Region},{r.Amount},{r.Fine},{r.SentenceMonths},{r.Defendants},{r.Detained},{r.Recidivist},{r.Minor},{r.Disposition},{r.Procuratorate},{r.Bac.ToString("R", CultureInfo.InvariantCulture)},{string.Join(';', r.Tags)}\n");
        }

        File.WriteAllText(_path, text.ToString());
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true, Description = "Parse the CSV into typed records")]
    public async Task<long> ParseOnly()
    {
        var layout = new RecordLayout(_schema);
        Record record = layout.CreateRecord();
        long count = 0;
        RecordCursor cursor = RecordSource.Csv(_path, _schema).Open(layout);
        await using (cursor)
        {
            while (await cursor.ReadAsync(record, CancellationToken.None) != ReadOutcome.End)
            {
                count++;
            }
        }

        return count;
    }

    [Benchmark(Description = "Run 100 rules: CSV to clues")]
    public async Task<long> RunHundredRules()
    {
        var sink = new CountingSink();
        await _rules.RunAsync(RecordSource.Csv(_path, _schema), sink);
        return sink.Count;
    }
}
