using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using Npgsql;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Sql;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>
/// <c>sql</c>: runs the models as SQL where the data is — an embedded DuckDB (data files loaded through the engine's
/// readers, or Parquet files read in place) or a PostgreSQL database — and prints the clues and a summary, or with
/// <c>--plan</c> the queries and what cannot be pushed down.
/// </summary>
internal static class SqlCommand
{
    public static Command Create()
    {
        var modelsPath = new Option<string>("--models", "-m") { Description = "A folder of model and dataset files.", Required = true };
        var engine = new Option<string>("--engine") { Description = "duckdb (embedded) or postgres.", DefaultValueFactory = _ => "duckdb" };
        var connection = new Option<string?>("--connection") { Description = "The PostgreSQL connection string (Host=…;Username=…;Database=…); its tables are named after the datasets, with a _line column." };
        var dataDirectory = new Option<DirectoryInfo?>("--data-dir") { Description = "Data files named after datasets, loaded into the engine first through RuleEngine's readers (bad records counted, never loaded half)." };
        var parquetDirectory = new Option<DirectoryInfo?>("--parquet-dir") { Description = "DuckDB only: Parquet files named after datasets (dui_cases.parquet), read in place." };
        var region = new Option<string?>("--region") { Description = "The 6-digit division code whose parameter values apply." };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write clues to this file (JSON Lines) instead of listing them." };
        var reveal = new Option<bool>("--reveal-personal-data") { Description = "Show ID numbers, names and phones unmasked." };
        var plan = new Option<bool>("--plan") { Description = "Print the queries and the diagnostics; run nothing." };
        var load = new LoadOptions();
        var command = new Command("sql", "Run the models as SQL on DuckDB or PostgreSQL and print the clues and a summary.") { modelsPath, engine, connection, dataDirectory, parquetDirectory, region, output, reveal, plan };
        load.AddTo(command);
        command.SetAction((parse, cancellationToken) => load.Read(parse) is not { } options ? Task.FromResult(ExitCodes.Usage) : RunAsync(
            new SqlArguments(options, parse.GetValue(modelsPath)!, parse.GetValue(engine)!, parse.GetValue(connection), parse.GetValue(dataDirectory), parse.GetValue(parquetDirectory), parse.GetValue(region), parse.GetValue(output), parse.GetValue(reveal), parse.GetValue(plan)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(SqlArguments arguments, CancellationToken cancellationToken)
    {
        SqlDialect dialect;
        switch (arguments.Engine)
        {
            case "duckdb" when arguments.Connection is null:
                dialect = SqlDialect.DuckDb;
                break;
            case "postgres" when arguments.Connection is not null && arguments.ParquetDirectory is null:
                dialect = SqlDialect.PostgreSql;
                break;
            default:
                await Console.Error.WriteLineAsync("--engine: duckdb (with --data-dir or --parquet-dir), or postgres with --connection (and --data-dir to load files first).");
                return ExitCodes.Usage;
        }

        if (dialect == SqlDialect.DuckDb && (arguments.DataDirectory is null) == (arguments.ParquetDirectory is null))
        {
            await Console.Error.WriteLineAsync("duckdb: give --data-dir (files loaded first) or --parquet-dir (Parquet read in place), one of them.");
            return ExitCodes.Usage;
        }

        ModelSet models = ModelLoading.Load(arguments.Models, arguments.LoadOptions, Console.Error);
        if (models.HasErrors)
        {
            return ExitCodes.ModelErrors;
        }

        // The files TablesAsync reads: Parquet in place, or the data files it loads.
        string? DataFile(DatasetDefinition dataset) =>
            arguments.ParquetDirectory is { } parquet ? Path.Combine(parquet.FullName, dataset.Schema.Name + ".parquet")
            : arguments.DataDirectory is { } folder ? Path.Combine(folder.FullName, dataset.DataFileName)
            : null;
        IEnumerable<(string What, string Path)> inputs = models.Datasets.Values
            .Select(d => (What: $"the data of dataset '{d.Schema.Name}'", Path: DataFile(d)))
            .Where(i => i.Path is not null && File.Exists(i.Path))
            .Select(i => (i.What, i.Path!));
        if (OutputGuard.Overwrites([("--out", arguments.Output?.FullName)], inputs) is { } overwrite)
        {
            await Console.Error.WriteLineAsync(overwrite);
            return ExitCodes.Usage;
        }

        RuleSet rules;
        try
        {
            rules = models.Compile(new ModelCompileOptions { Region = arguments.Region });
        }
        catch (RuleCompilationException e)
        {
            foreach (Diagnostic diagnostic in e.Diagnostics)
            {
                await Console.Error.WriteLineAsync(ModelLoading.Relative(diagnostic));
            }

            return ExitCodes.ModelErrors;
        }

        await using DbConnection database = dialect == SqlDialect.DuckDb ? new DuckDBConnection("DataSource=:memory:") : new NpgsqlConnection(arguments.Connection);
        try
        {
            await database.OpenAsync(cancellationToken);
            List<SqlTable> tables = await TablesAsync(database, models, arguments, cancellationToken);
            SqlPlan sqlPlan = SqlPlan.Create(rules, dialect, tables);
            foreach (Diagnostic diagnostic in sqlPlan.Diagnostics)
            {
                await Console.Error.WriteLineAsync(ModelLoading.Relative(diagnostic));
            }

            if (arguments.Plan)
            {
                foreach (SqlQuery query in sqlPlan.Queries)
                {
                    Console.WriteLine($"-- {query.Dataset}: {string.Join(", ", query.RuleIds)}");
                    Console.WriteLine(query.Text + ";");
                }

                return sqlPlan.Diagnostics.Any(d => d.IsError) ? ExitCodes.ModelErrors : ExitCodes.Success;
            }

            if (sqlPlan.Diagnostics.Any(d => d.IsError))
            {
                return ExitCodes.ModelErrors;
            }

            var options = new RunOptions { RevealPersonalData = arguments.Reveal };
            RunSummary summary;
            if (arguments.Output is { } file)
            {
                await using var sink = new JsonLinesClueSink(file.Create(), ownsStream: true);
                summary = await sqlPlan.RunAsync(database, sink, options, cancellationToken);
            }
            else
            {
                summary = await sqlPlan.RunAsync(database, new RunCommand.ConsoleClueSink(), options, cancellationToken);
            }

            RunCommand.PrintSummary(summary, "joined in the database");
            return RunCommand.LossExitCode(summary);
        }
        catch (Exception e) when (e is SqlRunException or RecordSourceException or BadRecordLimitExceededException or RunOutputException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.ModelErrors;
        }
        catch (DbException e)
        {
            // Opening the connection or loading failed: the database's error class, not its message (it may quote values).
            await Console.Error.WriteLineAsync($"The database failed ({e.GetType().Name}{(e.SqlState is { } state ? ", SQLSTATE " + state : string.Empty)}).");
            return ExitCodes.ModelErrors;
        }
    }

    /// <summary>The tables: data files loaded through the engine's readers, Parquet files read in place, or PostgreSQL tables named after the datasets.</summary>
    private static async Task<List<SqlTable>> TablesAsync(DbConnection database, ModelSet models, SqlArguments arguments, CancellationToken cancellationToken)
    {
        var tables = new List<SqlTable>();
        foreach (DatasetDefinition dataset in models.Datasets.Values.OrderBy(d => d.Schema.Name, StringComparer.Ordinal))
        {
            string name = dataset.Schema.Name;
            if (arguments.ParquetDirectory is { } parquet)
            {
                string file = Path.Combine(parquet.FullName, name + ".parquet");
                if (File.Exists(file))
                {
                    tables.Add(SqlTable.DuckDbParquet(name, file, await HasLineColumnAsync(database, file, cancellationToken)) with { ValuesNormalised = true });
                }
            }
            else if (arguments.DataDirectory is { } directory)
            {
                string file = Path.Combine(directory.FullName, dataset.DataFileName);
                if (File.Exists(file))
                {
                    SqlLoadSummary loaded = await SqlTableLoader.LoadAsync(database, dataset.Open(file), name, cancellationToken: cancellationToken);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded {name}: {loaded.RecordsLoaded} records, {loaded.RecordsRejected} rejected"));
                    foreach (RecordRejection rejection in loaded.Rejections)
                    {
                        Console.Error.WriteLine($"  rejected {rejection}");
                    }

                    tables.Add(new SqlTable(name, loaded.Table) { ValuesNormalised = true });
                }
            }
            else
            {
                tables.Add(new SqlTable(name, SqlSyntaxName(name)));
            }
        }

        return tables;
    }

    private static string SqlSyntaxName(string dataset) => "\"" + dataset.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<bool> HasLineColumnAsync(DbConnection database, string file, CancellationToken cancellationToken)
    {
        await using DbCommand command = database.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet('{file.Replace("'", "''", StringComparison.Ordinal)}')) WHERE column_name = '_line'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
    }

    private sealed record SqlArguments(ModelLoadOptions LoadOptions, string Models, string Engine, string? Connection, DirectoryInfo? DataDirectory, DirectoryInfo? ParquetDirectory, string? Region, FileInfo? Output, bool Reveal, bool Plan);
}
