using System.Text;
using Npgsql;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Sql.Tests.Support;

namespace RuleEngine.ClueStore.Tests.Support;

/// <summary>The two back ends a store test runs on: a SQLite file in a temporary folder, or a fresh PostgreSQL database.</summary>
public enum Backend
{
    Sqlite,
    PostgreSql,
}

/// <summary>A store on a back end, its rule set over a small "penalties" dataset, and runs over CSV text.</summary>
internal sealed class StoreFixture : IAsyncDisposable
{
    public static readonly DatasetSchema Penalties = DatasetSchema.Create("penalties")
        .Add("person_id", FieldType.IdNumber)
        .Add("amount", FieldType.Decimal)
        .Add("penalty", FieldType.String)
        .Key("person_id")
        .Build();

    private readonly string? _folder;

    private StoreFixture(ClueStore store, string target, string? folder)
    {
        Store = store;
        Target = target;
        _folder = folder;
    }

    public ClueStore Store { get; }

    /// <summary>Gets what the store was opened with (a file path or a connection string), to open it again.</summary>
    public string Target { get; }

    public static async Task<StoreFixture> CreateAsync(Backend backend, TimeProvider? time = null)
    {
        if (backend == Backend.Sqlite)
        {
            string folder = Directory.CreateTempSubdirectory("re-cluestore-").FullName;
            string path = Path.Combine(folder, "clues.db");
            return new StoreFixture(await ClueStore.OpenAsync(path, time), path, folder);
        }

        // A database of its own per test, so tests run in parallel without seeing each other's clues.
        var server = new NpgsqlConnectionStringBuilder(await PostgresServer.ConnectionStringAsync());
        string name = "clues_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        server.Database = name;
        return new StoreFixture(await ClueStore.OpenAsync(server.ConnectionString, time), server.ConnectionString, null);
    }

    /// <summary>A rule set of two rules over the penalties: large fines (amount material), and detentions.</summary>
    public static RuleSet Rules(decimal threshold = 1000m, string version = "1.0.0") => new RuleSetBuilder()
        .AddDataset(Penalties)
        .AddRule(new RuleDefinition("M12.R1", "penalties", $"penalty = '罚款' AND amount >= {threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
        {
            ModelId = "M12",
            Version = version,
            Clue = new ClueSpec { Title = "{person_id} 罚款 {amount} 元", Evidence = ["person_id", "penalty"], Material = ["amount"] },
        })
        .AddRule(new RuleDefinition("M12.R2", "penalties", "penalty = '行政拘留'") { ModelId = "M12", Version = version })
        .Build();

    /// <summary>Runs the rules over CSV lines (person_id,amount,penalty) into the store and completes the run.</summary>
    public async Task<StoredRun> RunAsync(string csvLines, string region = "330106", RuleSet? rules = null, string version = "1.0.0", bool reveal = false)
    {
        rules ??= Rules(version: version);
        byte[] csv = Encoding.UTF8.GetBytes("person_id,amount,penalty\n" + csvLines);
        await using ClueStoreRun run = await Store.BeginRunAsync(new ClueStoreRunInfo
        {
            Region = region,
            Models = [new RunModel("M12", version, "hash-" + version)],
            Inputs = [new RunInput("penalties", "penalties.csv", "sha")],
            PersonalDataRevealed = reveal,
        });
        RunSummary summary = await rules.RunAsync(RecordSource.Csv(new MemoryStream(csv), Penalties), run, new RunOptions { RevealPersonalData = reveal });
        return await run.CompleteAsync(summary);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (_folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
