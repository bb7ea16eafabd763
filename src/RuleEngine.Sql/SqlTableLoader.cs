using System.Data.Common;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Npgsql;
using NpgsqlTypes;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Sql.Planning;

namespace RuleEngine.Sql;

/// <summary>What loading a record source into a table did.</summary>
/// <param name="Table">The table's SQL name.</param>
/// <param name="RecordsLoaded">The records written.</param>
/// <param name="RecordsRejected">The records the source rejected (each counted, the first ones listed).</param>
/// <param name="Rejections">The first rejections (<see cref="RunOptions.MaxReportedRejections"/>): dataset, line, code, field; never values.</param>
public sealed record SqlLoadSummary(string Table, long RecordsLoaded, long RecordsRejected, IReadOnlyList<RecordRejection> Rejections);

/// <summary>
/// Loads a record source into a new table of DuckDB or PostgreSQL through the engine's own readers, so values are
/// converted and normalised (ID numbers, credit codes, case numbers) exactly as in-process, each record keeps its
/// line, and a record the reader rejects is counted and listed, never loaded half. Columns are named as the schema's
/// fields, plus <c>_line</c>; text sorts by code point. Uses DuckDB's appender and PostgreSQL's binary COPY.
/// </summary>
public static class SqlTableLoader
{
    /// <summary>Creates <paramref name="table"/> (dropping one of that name) and loads <paramref name="source"/> into it.</summary>
    /// <param name="connection">An open DuckDB.NET or Npgsql connection.</param>
    /// <param name="source">The records.</param>
    /// <param name="table">The table's name, an SQL identifier (letters, digits, underscores).</param>
    /// <param name="options">Only <see cref="RunOptions.MaxReportedRejections"/> is used; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops loading.</param>
    /// <returns>What was loaded and rejected.</returns>
    /// <exception cref="ArgumentException">The table name is not a plain identifier.</exception>
    /// <exception cref="NotSupportedException">The connection is neither DuckDB.NET's nor Npgsql's.</exception>
    public static async Task<SqlLoadSummary> LoadAsync(DbConnection connection, RecordSource source, string table, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(source);
        if (string.IsNullOrEmpty(table) || !table.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(table[0]))
        {
            throw new ArgumentException("A table name is letters, digits and underscores, not starting with a digit.", nameof(table));
        }

        DatasetSchema schema = source.Schema;
        await CreateTableAsync(connection, table, schema, cancellationToken).ConfigureAwait(false);
        var rejections = new List<RecordRejection>();
        long loaded = 0;
        long rejected = 0;
        int maxListed = (options ?? new RunOptions()).MaxReportedRejections;
        var layout = new RecordLayout(schema);
        Record record = layout.CreateRecord();
        await using RecordCursor cursor = source.Open(layout);
        await using IRowWriter writer = await OpenWriterAsync(connection, table, schema, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            ReadOutcome outcome = await cursor.ReadAsync(record, cancellationToken).ConfigureAwait(false);
            if (outcome == ReadOutcome.End)
            {
                break;
            }

            if (outcome == ReadOutcome.Rejected)
            {
                rejected++;
                if (rejections.Count < maxListed && cursor.Rejection is { } rejection)
                {
                    rejections.Add(rejection with { RawRecord = null });
                }

                continue;
            }

            if (outcome == ReadOutcome.Record)
            {
                await writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
                loaded++;
            }
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return new SqlLoadSummary(table, loaded, rejected, rejections);
    }

    /// <summary>Creates a table for a schema's records (dropping one of that name): the fields, plus <c>_line</c>.</summary>
    internal static async Task CreateTableAsync(DbConnection connection, string table, DatasetSchema schema, CancellationToken cancellationToken)
    {
        SqlSyntax syntax = connection switch
        {
            DuckDBConnection => SqlSyntax.For(SqlDialect.DuckDb),
            NpgsqlConnection => SqlSyntax.For(SqlDialect.PostgreSql),
            _ => throw new NotSupportedException($"Loading into {connection.GetType().Name} is not supported; use DuckDB.NET or Npgsql."),
        };
        var create = new StringBuilder().Append(CultureInfo.InvariantCulture, $"CREATE TABLE {table} (_line {syntax.ColumnType(FieldType.Long)}");
        foreach (FieldDefinition field in schema.Fields)
        {
            create.Append(", ").Append(SqlSyntax.Quote(field.Name)).Append(' ').Append(syntax.ColumnType(field.Type));
        }

        await using DbCommand command = connection.CreateCommand();
        command.CommandText = $"DROP TABLE IF EXISTS {table}";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        command.CommandText = create.Append(')').ToString();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a writer of records into a table made by <see cref="CreateTableAsync"/>: DuckDB's appender, PostgreSQL's binary COPY.</summary>
    internal static async Task<IRowWriter> OpenWriterAsync(DbConnection connection, string table, DatasetSchema schema, CancellationToken cancellationToken) =>
        connection is DuckDBConnection duck
            ? new DuckDbRowWriter(duck, table)
            : await PostgreSqlRowWriter.OpenAsync((NpgsqlConnection)connection, table, schema, cancellationToken).ConfigureAwait(false);

    internal interface IRowWriter : IAsyncDisposable
    {
        ValueTask WriteAsync(Record record, CancellationToken cancellationToken);

        ValueTask CompleteAsync(CancellationToken cancellationToken);
    }

    private sealed class DuckDbRowWriter(DuckDBConnection connection, string table) : IRowWriter
    {
        private readonly DuckDBAppender _appender = connection.CreateAppender(table);

        public ValueTask WriteAsync(Record record, CancellationToken cancellationToken)
        {
            IDuckDBAppenderRow row = _appender.CreateRow().AppendValue(record.Line);
            IReadOnlyList<FieldDefinition> fields = record.Layout.Schema.Fields;
            for (int f = 0; f < fields.Count; f++)
            {
                row = record.GetValue(f) switch
                {
                    null => row.AppendNullValue(),
                    int i => row.AppendValue((long)i),
                    long l => row.AppendValue(l),
                    bool b => row.AppendValue(b),
                    DateOnly d => row.AppendValue(d),
                    DateTime t => row.AppendValue(t),
                    double x => row.AppendValue(x),
                    decimal m => row.AppendValue(m),
                    string[] items => row.AppendValue((IEnumerable<string>)items),
                    var value => row.AppendValue((string)value),
                };
            }

            row.EndRow();
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken)
        {
            _appender.Close();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _appender.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgreSqlRowWriter(NpgsqlBinaryImporter importer, NpgsqlDbType[] types) : IRowWriter
    {
        public static async Task<PostgreSqlRowWriter> OpenAsync(NpgsqlConnection connection, string table, DatasetSchema schema, CancellationToken cancellationToken)
        {
            string columns = string.Join(", ", schema.Fields.Select(f => SqlSyntax.Quote(f.Name)).Prepend("_line"));
            NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            return new PostgreSqlRowWriter(importer, [.. schema.Fields.Select(f => Type(f.Type))]);
        }

        public async ValueTask WriteAsync(Record record, CancellationToken cancellationToken)
        {
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(record.Line, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            for (int f = 0; f < types.Length; f++)
            {
                object? value = record.GetValue(f);
                if (value is null)
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await importer.WriteAsync(value is int i ? (long)i : value, types[f], cancellationToken).ConfigureAwait(false);
            }
        }

        public async ValueTask CompleteAsync(CancellationToken cancellationToken) => await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);

        public ValueTask DisposeAsync() => importer.DisposeAsync();

        private static NpgsqlDbType Type(FieldType type) => type switch
        {
            FieldType.Int or FieldType.Long => NpgsqlDbType.Bigint,
            FieldType.Decimal => NpgsqlDbType.Numeric,
            FieldType.Double => NpgsqlDbType.Double,
            FieldType.Bool => NpgsqlDbType.Boolean,
            FieldType.Date or FieldType.YearMonth => NpgsqlDbType.Date,
            FieldType.DateTime => NpgsqlDbType.Timestamp,
            FieldType.StringArray => NpgsqlDbType.Array | NpgsqlDbType.Text,
            _ => NpgsqlDbType.Text,
        };
    }
}
