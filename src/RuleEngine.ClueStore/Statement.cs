using System.Data;
using System.Data.Common;

namespace RuleEngine.ClueStore;

/// <summary>
/// A command made once per run and executed per clue with new values — the hot path of ingestion. Reusing the
/// command keeps SQLite's compiled statement (Microsoft.Data.Sqlite re-prepares a new command every time) and spares
/// building parameters per row. Values are always parameters; SQL text holds only this library's constants.
/// </summary>
internal sealed class Statement : IAsyncDisposable
{
    private readonly DbCommand _command;

    public Statement(DbConnection connection, string sql, params (string Name, DbType Type)[] parameters)
    {
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        foreach ((string name, DbType type) in parameters)
        {
            DbParameter parameter = _command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            _command.Parameters.Add(parameter);
        }
    }

    /// <summary>Runs the statement in <paramref name="transaction"/> with <paramref name="values"/>, in the parameters' order.</summary>
    public Task<int> ExecuteAsync(DbTransaction transaction, CancellationToken cancellationToken, params object?[] values)
    {
        _command.Transaction = transaction;
        for (int i = 0; i < values.Length; i++)
        {
            _command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return _command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
