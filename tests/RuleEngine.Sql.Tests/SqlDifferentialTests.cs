using System.Data.Common;
using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Sql.Planning;
using RuleEngine.Sql.Tests.Support;
using RuleEngine.Tests.Language;
using RuleEngine.Tests.Support;
using Xunit.Abstractions;

namespace RuleEngine.Sql.Tests;

/// <summary>
/// The spine's differential test, for the pushed-down SQL: random conditions over random rows (NULLs included),
/// evaluated by the engine and by the SQL the back end writes for them, in DuckDB and in PostgreSQL. The
/// three-valued results must be identical, and an error on one side must be an error on the other.
/// </summary>
[Trait("Requires", "postgresql")]
public class SqlDifferentialTests(ITestOutputHelper output)
{
    private const int ExpressionCount = 4_000;
    private const int RowCount = 40;
    private const int QueryWidth = 40;

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    [Trait("Category", "Differential")]
    public async Task RandomConditions_EngineAndPushedDownSql_AgreeOnEveryRow(SqlDialect dialect)
    {
        var random = new Random(20261127);
        var generator = new ConditionGenerator(random);
        SqlSyntax syntax = SqlSyntax.For(dialect);
        List<object?[]> rows = [.. Enumerable.Range(0, RowCount).Select(_ => RandomRow(random))];
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        foreach (string statement in syntax.Prelude)
        {
            await database.ExecuteAsync(statement);
        }

        string[] columns = ["i", "j", "d", "f", "s", "u", "b", "dt", "dt2"];
        Schema.FieldType[] types = [Schema.FieldType.Long, Schema.FieldType.Long, Schema.FieldType.Decimal, Schema.FieldType.Double, Schema.FieldType.String, Schema.FieldType.String, Schema.FieldType.Bool, Schema.FieldType.Date, Schema.FieldType.Date];
        await database.ExecuteAsync($"CREATE TABLE t (id INTEGER, {string.Join(", ", columns.Select((c, k) => $"{c} {(types[k] == Schema.FieldType.Decimal ? "DECIMAL(18,3)" : syntax.ColumnType(types[k]))}"))})");
        for (int r = 0; r < rows.Count; r++)
        {
            await database.ExecuteAsync($"INSERT INTO t VALUES ({r}, {string.Join(", ", rows[r].Select(Literal))})");
        }

        var records = rows.Select(row => Expressions.Row([.. columns.Select((c, k) => (c, row[k]))])).ToArray();
        var mismatches = new List<string>();
        int compared = 0;
        for (int start = 0; start < ExpressionCount; start += QueryWidth)
        {
            var batch = new List<(string Text, Func<Records.Record, bool?> Compiled, string Sql)>();
            for (int k = 0; k < QueryWidth; k++)
            {
                string text = generator.Bool(3).Engine;
                BoundExpression bound = Bind(text);
                var writer = new ExpressionWriter(syntax, f => SqlSyntax.Quote(f.Field.Name));
                string sql = writer.Write(bound);
                if (writer.Problems.Count > 0)
                {
                    mismatches.Add($"{text}: not pushable on {dialect}: {writer.Problems[0].Message}");
                    continue;
                }

                batch.Add((text, new ExpressionCompiler(Expressions.Layout).CompileCondition(bound), sql));
            }

            Outcome[][] expected = await SqlOutcomesAsync(database.Connection, [.. batch.Select(b => b.Sql)]);
            for (int k = 0; k < batch.Count; k++)
            {
                for (int r = 0; r < records.Length; r++)
                {
                    Outcome actual = Evaluate(batch[k].Compiled, records[r]);
                    compared++;
                    if (!actual.Equals(expected[k][r]) && mismatches.Count < 10)
                    {
                        mismatches.Add($"{batch[k].Text}\n  SQL: {batch[k].Sql}\n  row {r}: engine {actual}, {dialect} {expected[k][r]}");
                    }
                }
            }
        }

        output.WriteLine($"{dialect}: {compared} condition-row pairs compared.");
        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
    }

    private static BoundExpression Bind(string condition)
    {
        var diagnostics = new DiagnosticBag();
        var text = new ExpressionText(condition, SourceLocation.None);
        SyntaxNode syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default) ?? throw new InvalidOperationException(condition);
        BoundExpression bound = new Binder(text, new BindingScope(Expressions.Schema, ["t"]), diagnostics, "R").BindCondition(syntax);
        return diagnostics.HasErrors ? throw new InvalidOperationException(condition + "\n" + string.Join("\n", diagnostics.Items)) : bound;
    }

    private static Outcome Evaluate(Func<Records.Record, bool?> compiled, Records.Record record)
    {
        try
        {
            return new Outcome(false, compiled(record));
        }
        catch (Exception e) when (RuleEngine.Execution.RuleFailure.TryClassify(e, null, out _, out _))
        {
            return new Outcome(true, null);
        }
    }

    private static async Task<Outcome[][]> SqlOutcomesAsync(DbConnection connection, List<string> conditions)
    {
        var result = new Outcome[conditions.Count][];
        for (int k = 0; k < conditions.Count; k++)
        {
            result[k] = new Outcome[RowCount];
        }

        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = "SELECT " + string.Join(", ", conditions.Select(c => $"({c})")) + " FROM t ORDER BY id";
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            int row = 0;
            while (await reader.ReadAsync())
            {
                for (int k = 0; k < conditions.Count; k++)
                {
                    result[k][row] = new Outcome(false, reader.IsDBNull(k) ? null : reader.GetBoolean(k));
                }

                row++;
            }

            return result;
        }
        catch (DbException)
        {
            // Some condition failed on some row; find out which, row by row.
            for (int k = 0; k < conditions.Count; k++)
            {
                for (int row = 0; row < RowCount; row++)
                {
                    result[k][row] = await SingleOutcomeAsync(connection, conditions[k], row);
                }
            }

            return result;
        }
    }

    private static async Task<Outcome> SingleOutcomeAsync(DbConnection connection, string condition, int row)
    {
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = $"SELECT ({condition}) FROM t WHERE id = {row}";
            object? value = await command.ExecuteScalarAsync();
            return new Outcome(false, value is null or DBNull ? null : (bool)value);
        }
        catch (DbException e)
        {
            return new Outcome(true, null) { Error = e.Message };
        }
    }

    private static object?[] RandomRow(Random random)
    {
        DateOnly[] specialDates = [new(2024, 1, 31), new(2024, 2, 29), new(2023, 2, 28), new(2024, 12, 31), new(2023, 1, 1)];
        object? Maybe(Func<object?> value) => random.Next(5) == 0 ? null : value();
        return
        [
            Maybe(() => (long)random.Next(-100, 101)),
            Maybe(() => (long)random.Next(-100, 101)),
            Maybe(() => random.Next(-10000, 10001) / 100m),
            Maybe(() => random.Next(-400, 401) / 4.0),
            Maybe(() => ConditionGenerator.RandomText(random)),
            Maybe(() => ConditionGenerator.RandomText(random)),
            Maybe(() => random.Next(2) == 0),
            Maybe(() => random.Next(4) == 0 ? specialDates[random.Next(specialDates.Length)] : new DateOnly(2023, 1, 1).AddDays(random.Next(0, 800))),
            Maybe(() => new DateOnly(2023, 1, 1).AddDays(random.Next(0, 800))),
        ];
    }

    private static string Literal(object? value) => value switch
    {
        null => "NULL",
        string s => SqlSyntax.Text(s),
        bool b => b ? "TRUE" : "FALSE",
        DateOnly date => SqlSyntax.Date(date.DayNumber),
        double f => $"CAST('{f.ToString("R", CultureInfo.InvariantCulture)}' AS DOUBLE PRECISION)",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException(value.GetType().Name),
    };

    private readonly record struct Outcome(bool IsError, bool? Value)
    {
        /// <summary>Gets the database's message, shown with a mismatch (the rows are synthetic); not compared.</summary>
        public string? Error { get; init; }

        public bool Equals(Outcome other) => IsError == other.IsError && Value == other.Value;

        public override int GetHashCode() => HashCode.Combine(IsError, Value);

        public override string ToString() => IsError ? $"error ({Error})" : Value?.ToString() ?? "NULL";
    }
}
