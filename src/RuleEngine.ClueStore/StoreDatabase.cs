using System.Data;
using System.Data.Common;
using FluentMigrator.Runner;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RuleEngine.ClueStore.Migrations;

namespace RuleEngine.ClueStore;

/// <summary>The database under a store: which one, how to connect, and its schema brought up to date.</summary>
internal sealed class StoreDatabase : IAsyncDisposable
{
    /// <summary>The newest schema version this library knows.</summary>
    internal const long LatestSchemaVersion = 1;

    private readonly NpgsqlDataSource? _postgres;
    private readonly string _sqlite = string.Empty;

    private StoreDatabase(NpgsqlDataSource postgres) => _postgres = postgres;

    private StoreDatabase(string sqliteConnectionString) => _sqlite = sqliteConnectionString;

    public bool IsSqlite => _postgres is null;

    /// <summary>
    /// "<paramref name="expression"/> is one of the list <paramref name="parameter"/>": Dapper expands a list into
    /// <c>(@p1, @p2, …)</c> for SQLite, and hands PostgreSQL an array, which <c>= ANY</c> takes.
    /// </summary>
    public string In(string expression, string parameter) => IsSqlite ? $"{expression} IN @{parameter}" : $"{expression} = ANY(@{parameter})";

    public static StoreDatabase Sqlite(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, ForeignKeys = true, DefaultTimeout = 60 }.ConnectionString);

    public static StoreDatabase PostgreSql(string connectionString) => new(NpgsqlDataSource.Create(connectionString));

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(_sqlite);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Writers wait for each other up to a minute rather than failing at once.
        await using DbCommand pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 60000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>A transaction that takes the write lock at once on SQLite (BEGIN IMMEDIATE), so two writers queue instead of deadlocking.</summary>
    public static DbTransaction BeginWrite(DbConnection connection) =>
        connection is SqliteConnection sqlite ? sqlite.BeginTransaction(IsolationLevel.Serializable, deferred: false) : connection.BeginTransaction(IsolationLevel.ReadCommitted);

    /// <summary>Brings the schema up to <see cref="LatestSchemaVersion"/> with the migrations of this assembly; refuses a newer schema.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // Connected first, so that a server that cannot be reached (or a file that is not a database) fails as the
        // provider's DbException, which callers handle, rather than inside the migration runner's own exception.
        await using (DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_postgres is null)
            {
                // WAL: readers (the desk) do not wait for a run's writes, nor the run for them. The setting stays with the file.
                await using DbCommand wal = connection.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        string connectionString = _postgres?.ConnectionString ?? _sqlite;
        bool sqlite = _postgres is null;
        await Task.Run(
            () =>
            {
                ServiceProvider services = new ServiceCollection()
                    .AddFluentMigratorCore()
                    .ConfigureRunner(runner =>
                    {
                        IMigrationRunnerBuilder database = sqlite ? runner.AddSQLite() : runner.AddPostgres();
                        database.WithGlobalConnectionString(connectionString).ScanIn(typeof(InitialSchema).Assembly).For.Migrations();
                    })
                    .BuildServiceProvider(validateScopes: false);
                using (services)
                using (IServiceScope scope = services.CreateScope())
                {
                    IMigrationRunner runner = scope.ServiceProvider.GetRequiredService<IMigrationRunner>();
                    try
                    {
                        runner.MigrateUp();
                    }
                    catch (Exception) when (runner.HasMigrationsToApplyUp() is false)
                    {
                        // Another process migrated the same empty database at the same time and won; its schema is ours.
                    }

                    long version = scope.ServiceProvider.GetRequiredService<FluentMigrator.Runner.IVersionLoader>().VersionInfo.Latest();
                    if (version > LatestSchemaVersion)
                    {
                        throw new ClueStoreException(ClueStoreErrorCodes.SchemaTooNew, $"The clue store's schema is version {version}; this library knows up to {LatestSchemaVersion}. Upgrade RuleEngine.ClueStore.");
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }
    }
}
