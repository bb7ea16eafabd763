using System.Data.Common;
using DuckDB.NET.Data;
using Npgsql;

namespace RuleEngine.Sql.Tests.Support;

/// <summary>
/// A connection to one of the two back ends: DuckDB in memory, or PostgreSQL (<see cref="PostgresServer"/>). A
/// PostgreSQL database works in a schema of its own, dropped on dispose, so tests never see each other's tables.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _schema;

    private TestDatabase(DbConnection connection, string? schema)
    {
        Connection = connection;
        _schema = schema;
    }

    public static TheoryData<SqlDialect> Dialects => new() { SqlDialect.DuckDb, SqlDialect.PostgreSql };

    public DbConnection Connection { get; }

    public static async Task<TestDatabase> OpenAsync(SqlDialect dialect)
    {
        if (dialect == SqlDialect.DuckDb)
        {
            var duck = new DuckDBConnection("DataSource=:memory:");
            await duck.OpenAsync();
            return new TestDatabase(duck, null);
        }

        var connection = new NpgsqlConnection(await PostgresServer.ConnectionStringAsync());
        await connection.OpenAsync();
        string schema = "re_test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(connection, $"CREATE SCHEMA {schema}; SET search_path TO {schema}");
        return new TestDatabase(connection, schema);
    }

    public Task ExecuteAsync(string sql) => ExecuteAsync(Connection, sql);

    public async Task<object?> ScalarAsync(string sql)
    {
        await using DbCommand command = Connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_schema is not null)
        {
            await ExecuteAsync(Connection, $"DROP SCHEMA {_schema} CASCADE");
        }

        await Connection.DisposeAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
