// Throughput of the four ways to run the sample models over the same generated data: in-process from CSV, in-process
// from Parquet, DuckDB (the Parquet files read in place) and PostgreSQL (tables loaded with binary COPY). Loading and
// exporting are timed apart from evaluation. Every path's clues (rule, fingerprint, line) are compared with the
// in-process CSV run's; --verify exits non-zero when any differ (CI runs it on a small load).
// Usage: dotnet run -c Release --project benchmarks/RuleEngine.Sql.Throughput -- [--records 10000000] [--verify] [--breakdown] [--read-only]
//        PostgreSQL: the connection string in RE_POSTGRES (skipped when unset, unless --verify).
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Npgsql;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Columnar;
using RuleEngine.Records;
using RuleEngine.Scripting;
using RuleEngine.Sql;
using RuleEngine.Yaml;
using RuleEngine.Yaml.Testing;

long target = 10_000_000;
bool verify = args.Contains("--verify");
bool breakdown = args.Contains("--breakdown");
bool readOnly = args.Contains("--read-only");
int at = Array.IndexOf(args, "--records");
if (at >= 0 && at + 1 < args.Length)
{
    target = long.Parse(args[at + 1], CultureInfo.InvariantCulture);
}

string root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "RuleEngine.sln")))
{
    root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run from inside the repository.");
}

ModelSet models = ModelSet.Load(Path.Combine(root, "samples", "models"), new ModelLoadOptions { ScriptCompiler = new ScriptRuleCompiler() });
RuleSet rules = models.Compile();
string folder = Path.Combine(Path.GetTempPath(), "re-sql-throughput-" + Guid.NewGuid().ToString("N"));
try
{
    // The generator writes about 19.5 records (all datasets) per record asked per model.
    int perModel = (int)Math.Max(100, target * 80_000 / 1_562_676);
    var watch = Stopwatch.StartNew();
    GeneratedData data = ModelDataGenerator.Generate(models, folder, new DataGenerationOptions { RecordsPerModel = perModel, Seed = 11 });
    long total = data.RecordsPerDataset.Values.Sum();
    long evaluated = data.RecordsPerDataset.Where(d => rules.Rules.Any(r => r.Dataset == d.Key)).Sum(d => d.Value);
    Console.WriteLine($"{Environment.ProcessorCount} cores; {total:N0} records generated in {watch.Elapsed.TotalSeconds:F0} s ({evaluated:N0} in datasets that rules evaluate, the rest are joined references)");
    List<DatasetDefinition> datasets = [.. models.Datasets.Values.Where(d => File.Exists(Path.Combine(folder, d.DataFileName))).OrderBy(d => d.Schema.Name, StringComparer.Ordinal)];
    string Csv(DatasetDefinition d) => Path.Combine(folder, d.DataFileName);
    string Parquet(DatasetDefinition d) => Path.Combine(folder, d.Schema.Name + ".parquet");

    Console.WriteLine();
    Console.WriteLine("| path | prepared by | evaluate (s) | records/s (all datasets) | clues | same clues as CSV in-process |");
    Console.WriteLine("|---|---|---|---|---|---|");
    bool same = true;
    List<string> expected = [];
    void Report(string path, string preparation, double seconds, List<string> clues)
    {
        bool equal = clues.SequenceEqual(expected, StringComparer.Ordinal);
        same &= equal;
        Console.WriteLine($"| {path} | {preparation} | {seconds:F1} | {total / seconds:N0} | {clues.Count:N0} | {(equal ? "yes" : "NO")} |");
    }

    async Task<List<string>> InProcess(IEnumerable<RecordSource> sources)
    {
        var sink = new IdentitySink();
        await rules.RunAsync(sources, sink);
        return sink.Sorted();
    }

    if (readOnly)
    {
        // Reading alone: every dataset through one rule that is never true, from CSV and from Parquet.
        var builder = new RuleSetBuilder();
        foreach (DatasetDefinition d in datasets)
        {
            builder.AddDataset(d.Schema).AddRule(new RuleDefinition("read." + d.Schema.Name, d.Schema.Name, "FALSE"));
        }

        RuleSet reading = builder.Build();
        await using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            await duck.OpenAsync();
            foreach (DatasetDefinition d in datasets)
            {
                await SqlTableLoader.LoadAsync(duck, d.Open(Csv(d)), d.Schema.Name);
                await ExecuteAsync(duck, $"COPY (SELECT * FROM {d.Schema.Name} ORDER BY _line) TO '{Parquet(d)}' (FORMAT parquet)");
            }
        }

        long csvBytes = datasets.Sum(d => new FileInfo(Csv(d)).Length);
        long parquetBytes = datasets.Sum(d => new FileInfo(Parquet(d)).Length);
        Console.WriteLine($"files: CSV and JSON Lines {csvBytes / 1e6:N0} MB, Parquet {parquetBytes / 1e6:N0} MB");
        foreach ((string name, Func<DatasetDefinition, RecordSource> open) in new (string, Func<DatasetDefinition, RecordSource>)[] { ("CSV", d => d.Open(Csv(d))), ("Parquet", d => ColumnarSource.Parquet(Parquet(d), d.Schema)) })
        {
            watch.Restart();
            RunSummary read = await reading.RunAsync(datasets.Select(open), new IdentitySink());
            Console.WriteLine($"reading alone, {name}: {read.RecordsRead:N0} records in {watch.Elapsed.TotalSeconds:F1} s, {read.RecordsRead / watch.Elapsed.TotalSeconds:N0} records/s");
        }

        return 0;
    }

    watch.Restart();
    expected = await InProcess(datasets.Select(d => d.Open(Csv(d))));
    Report("in-process, CSV files", "none", watch.Elapsed.TotalSeconds, expected);

    // DuckDB: load through the engine's readers (so values and lines are the engine's), export Parquet with _line.
    string duckFile = Path.Combine(folder, "load.duckdb");
    watch.Restart();
    using (var duck = new DuckDBConnection($"DataSource={duckFile}"))
    {
        await duck.OpenAsync();
        foreach (DatasetDefinition d in datasets)
        {
            await SqlTableLoader.LoadAsync(duck, d.Open(Csv(d)), d.Schema.Name);
            await ExecuteAsync(duck, $"COPY (SELECT * FROM {d.Schema.Name} ORDER BY _line) TO '{Parquet(d)}' (FORMAT parquet)");
        }
    }

    string parquetPreparation = $"CSV → DuckDB → Parquet, {watch.Elapsed.TotalSeconds:F0} s";
    File.Delete(duckFile);

    watch.Restart();
    List<string> fromParquet = await InProcess(datasets.Select(d => ColumnarSource.Parquet(Parquet(d), d.Schema)));
    Report("in-process, Parquet files", parquetPreparation, watch.Elapsed.TotalSeconds, fromParquet);

    using (var duck = new DuckDBConnection("DataSource=:memory:"))
    {
        await duck.OpenAsync();
        SqlPlan plan = SqlPlan.Create(rules, SqlDialect.DuckDb, datasets.Select(d => SqlTable.DuckDbParquet(d.Schema.Name, Parquet(d)) with { ValuesNormalised = true }));
        watch.Restart();
        var sink = new IdentitySink();
        await plan.RunAsync(duck, sink);
        Report("DuckDB, Parquet files read in place", "the Parquet files", watch.Elapsed.TotalSeconds, sink.Sorted());
        if (breakdown)
        {
            await BreakdownAsync(duck, plan);
        }
    }

    string? postgres = Environment.GetEnvironmentVariable("RE_POSTGRES");
    if (postgres is not null)
    {
        await using var pg = new NpgsqlConnection(postgres);
        await pg.OpenAsync();
        string schema = "re_throughput_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(pg, $"CREATE SCHEMA {schema}; SET search_path TO {schema}");
        try
        {
            watch.Restart();
            foreach (DatasetDefinition d in datasets)
            {
                await SqlTableLoader.LoadAsync(pg, d.Open(Csv(d)), d.Schema.Name);
            }

            await ExecuteAsync(pg, "ANALYZE");
            string load = $"binary COPY of the CSV, {watch.Elapsed.TotalSeconds:F0} s";
            SqlPlan plan = SqlPlan.Create(rules, SqlDialect.PostgreSql, datasets.Select(d => new SqlTable(d.Schema.Name, d.Schema.Name) { ValuesNormalised = true }));
            watch.Restart();
            var sink = new IdentitySink();
            await plan.RunAsync(pg, sink);
            Report("PostgreSQL, tables", load, watch.Elapsed.TotalSeconds, sink.Sorted());
            if (breakdown)
            {
                await BreakdownAsync(pg, plan);
            }
        }
        finally
        {
            await ExecuteAsync(pg, $"DROP SCHEMA {schema} CASCADE");
        }
    }
    else if (verify)
    {
        Console.Error.WriteLine("RE_POSTGRES is not set; --verify needs PostgreSQL.");
        return 2;
    }
    else
    {
        Console.WriteLine("(PostgreSQL skipped: RE_POSTGRES is not set)");
    }

    return verify && !same ? 1 : 0;
}
finally
{
    Directory.Delete(folder, recursive: true);
}

// Each query alone, its rows read and dropped: the database's share of a run, apart from making clues.
static async Task BreakdownAsync(DbConnection connection, SqlPlan plan)
{
    double sum = 0;
    foreach (SqlQuery query in plan.Queries)
    {
        var watch = Stopwatch.StartNew();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = query.Text;
        command.CommandTimeout = 0;
        long rows = 0;
        await using (DbDataReader reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows++;
            }
        }

        sum += watch.Elapsed.TotalSeconds;
        Console.WriteLine($"    {plan.Dialect} {string.Join(",", query.RuleIds)}: {watch.Elapsed.TotalSeconds:F1} s, {rows:N0} rows");
    }

    Console.WriteLine($"    {plan.Dialect}: queries alone {sum:F1} s");
}

static async Task ExecuteAsync(DbConnection connection, string sql)
{
    await using DbCommand command = connection.CreateCommand();
    command.CommandText = sql;
    command.CommandTimeout = 0;
    await command.ExecuteNonQueryAsync();
}

/// <summary>Keeps each clue's identity (rule, fingerprint, line), to compare paths without holding whole clues.</summary>
internal sealed class IdentitySink : IClueSink
{
    private readonly List<string> _clues = [];

    public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        _clues.Add($"{clue.RuleId}|{clue.Fingerprint}|{clue.Line}");
        return ValueTask.CompletedTask;
    }

    public List<string> Sorted()
    {
        _clues.Sort(StringComparer.Ordinal);
        return _clues;
    }
}
