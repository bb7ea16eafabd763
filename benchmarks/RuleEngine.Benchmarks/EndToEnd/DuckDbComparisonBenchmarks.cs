using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;
using RuleEngine.Benchmarks.Workload;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.EndToEnd;

/// <summary>
/// End to end, file to file, on the same two threads: a CSV of administrative penalties (7 columns) and one record
/// rule, <c>penalty IN ('行政拘留', '罚款') AND amount &gt;= 1000</c> (about 0.3 % of the rows; <see cref="Matches"/> also
/// has a rule most rows match). RuleEngine runs the rule and writes the clues as JSON Lines (evidence: the fields the
/// rule reads, masked); DuckDB reads the file with <c>read_csv</c>, applies the same predicate and writes the matching
/// rows as JSON. Both count their output lines, as bytes (reading a 300 MB output back as .NET strings took longer than
/// some of the runs it checked).
/// The same rows as Parquet (written by DuckDB, row groups of 122,880) show what a columnar input saves RuleEngine:
/// only the columns the rule set reads are decoded.
/// </summary>
[MemoryDiagnoser]
public class DuckDbComparisonBenchmarks
{
    private string _input = string.Empty;
    private string _parquet = string.Empty;
    private string _output = string.Empty;
    private DatasetSchema _schema = null!;
    private RuleSet _rules = null!;

    /// <summary>Gets or sets how many rows the file has.</summary>
    [Params(1_000_000)]
    public int Rows { get; set; }

    /// <summary>
    /// Gets or sets how many rows match: <c>rare</c>, about 0.3 % (the predicate above), or <c>most</c>, about two
    /// thirds (<c>penalty IN ('警告', '罚款', '行政拘留') AND amount &gt;= 100</c>), where writing the output is the run.
    /// </summary>
    [Params("rare", "most")]
    public string Matches { get; set; } = "rare";

    private string Predicate => Matches == "most" ? "penalty IN ('警告', '罚款', '行政拘留') AND amount >= 100" : "penalty IN ('行政拘留', '罚款') AND amount >= 1000";

    [GlobalSetup]
    public void Setup()
    {
        _input = PenaltyFile.Csv(Rows);
        _output = Path.Combine(Path.GetTempPath(), "ruleengine-duckdb-out.json");
        _schema = PenaltyFile.Schema;
        _rules = new RuleSetBuilder()
            .AddDataset(_schema)
            .AddRule(new RuleDefinition("P1", "penalties", Predicate))
            .Build();
        _parquet = Path.ChangeExtension(_input, ".parquet");
        if (!File.Exists(_parquet))
        {
            using var connection = new DuckDBConnection("DataSource=:memory:");
            connection.Open();
            using DuckDBCommand command = connection.CreateCommand();
            command.CommandText = $"COPY (SELECT id_number::VARCHAR AS id_number, name, penalty, amount::DECIMAL(18, 2) AS amount, decided::DATE AS decided, region::VARCHAR AS region, agency FROM read_csv('{_input}', header = true)) TO '{_parquet}' (FORMAT PARQUET);";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Counts the line breaks of a file without decoding it.</summary>
    private static long CountLines(string path)
    {
        using FileStream stream = File.OpenRead(path);
        byte[] buffer = new byte[1 << 20];
        long lines = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_output);

    [Benchmark(Baseline = true, Description = "DuckDB read_csv → JSON (2 threads)")]
    public long DuckDb()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = $"SET threads = 2; COPY (SELECT * FROM read_csv('{_input}', header = true) WHERE {Predicate}) TO '{_output}' (FORMAT JSON);";
        command.ExecuteNonQuery();
        return CountLines(_output);
    }

    [Benchmark(Description = "RuleEngine CSV → clues (2 workers)")]
    public async Task<long> RuleEngine()
    {
        await using (var sink = new JsonLinesClueSink(File.Create(_output), ownsStream: true))
        {
            await _rules.RunAsync(RecordSource.Csv(_input, _schema), sink, new RunOptions { MaxDegreeOfParallelism = 2 });
        }

        return CountLines(_output);
    }

    [Benchmark(Description = "RuleEngine Parquet → clues (2 workers)")]
    public async Task<long> RuleEngineParquet()
    {
        await using (var sink = new JsonLinesClueSink(File.Create(_output), ownsStream: true))
        {
            await _rules.RunAsync(Columnar.ColumnarSource.Parquet(_parquet, _schema), sink, new RunOptions { MaxDegreeOfParallelism = 2 });
        }

        return CountLines(_output);
    }
}
