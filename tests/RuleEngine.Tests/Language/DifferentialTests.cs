using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Language;
using RuleEngine.Tests.Support;
using Xunit.Abstractions;
using Record = RuleEngine.Records.Record;

namespace RuleEngine.Tests.Language;

/// <summary>
/// Random conditions over random rows (NULLs included), evaluated by the engine and by DuckDB; the three-valued
/// results must be identical, and an error on one side must be an error on the other. Deliberate differences are
/// listed in <see cref="Excluded"/> and in docs/language.md, and are never generated.
/// </summary>
public class DifferentialTests(ITestOutputHelper output)
{
    /// <summary>Constructs the generator leaves out on purpose, each a documented difference from DuckDB.</summary>
    public static readonly IReadOnlyDictionary<string, string> Excluded = new Dictionary<string, string>
    {
        ["division"] = "'/' gives an exact decimal and fails on zero; DuckDB gives DOUBLE and Infinity.",
        ["modulo by zero"] = "x % 0 fails with RE4002; DuckDB gives NULL.",
        ["months_between, age_at"] = "full legal months and years; DuckDB's date_diff counts boundaries crossed.",
        ["id_*, credit_code_valid, case_no_*"] = "Chinese data functions have no DuckDB counterpart.",
        ["nfkc"] = "no DuckDB counterpart.",
        ["regexp_extract"] = "no match gives NULL; DuckDB gives ''.",
        ["trim of non-space white space"] = "trim removes all Unicode white space (U+3000 too); DuckDB removes spaces.",
        ["upper/lower of special casings"] = "invariant one-to-one casing (ß stays ß); DuckDB upper('ß') is 'ẞ'.",
        ["CAST of decimals and doubles to text"] = "the engine keeps the value's own scale; DuckDB pads to the column type's scale.",
        ["CAST of doubles to integers, round of doubles"] = "midpoint handling of binary fractions differs.",
        ["text outside the Basic Multilingual Plane"] = "length counts code points; DuckDB counts grapheme clusters.",
    };

    private const int ExpressionCount = 10_000;
    private const int RowCount = 40;
    private const int QueryWidth = 50;

    [Fact]
    [Trait("Category", "Differential")]
    public void RandomConditions_EngineAndDuckDb_AgreeOnEveryRow()
    {
        var random = new Random(20261127);
        var generator = new ConditionGenerator(random);
        List<Dictionary<string, object?>> rows = [.. Enumerable.Range(0, RowCount).Select(_ => RandomRow(random))];
        Record[] records = [.. rows.Select(ToRecord)];

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        Execute(connection, "CREATE TABLE t (id INTEGER, i BIGINT, j BIGINT, d DECIMAL(18,3), f DOUBLE, s VARCHAR, u VARCHAR, b BOOLEAN, dt DATE, dt2 DATE)");
        for (int r = 0; r < rows.Count; r++)
        {
            Execute(connection, InsertSql(r, rows[r]));
        }

        var conditions = Enumerable.Range(0, ExpressionCount).Select(_ => generator.Bool(3)).ToList();
        var mismatches = new List<string>();
        var seen = new int[3];
        for (int start = 0; start < conditions.Count; start += QueryWidth)
        {
            var batch = conditions.Skip(start).Take(QueryWidth).ToList();
            Outcome[][] expected = DuckDbOutcomes(connection, batch.Select(c => c.DuckDb).ToList());
            for (int k = 0; k < batch.Count; k++)
            {
                Func<Record, bool?> compiled = Compile(batch[k].Engine);
                for (int r = 0; r < records.Length; r++)
                {
                    Outcome actual = Evaluate(compiled, records[r]);
                    seen[actual.IsError ? 2 : actual.Value is null ? 1 : 0]++;
                    if (!actual.Equals(expected[k][r]) && mismatches.Count < 10)
                    {
                        mismatches.Add($"{batch[k].Engine}\n  DuckDB: {batch[k].DuckDb}\n  row {r}: {Describe(rows[r])}\n  engine {actual}, DuckDB {expected[k][r]}");
                    }
                }
            }
        }

        output.WriteLine($"{ExpressionCount} conditions × {RowCount} rows: {seen[0]} true/false, {seen[1]} unknown, {seen[2]} errors on both sides.");
        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
        Assert.True(seen[0] > ExpressionCount && seen[1] > ExpressionCount, "The generator should produce both known and unknown results in quantity.");
    }

    [Fact]
    public void Excluded_Constructs_AreDocumentedInTheLanguageReference()
    {
        string language = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "language.md"));
        foreach (string name in Excluded.Keys)
        {
            Assert.Contains(name, language, StringComparison.Ordinal);
        }
    }

    internal static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RuleEngine.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("RuleEngine.sln not found above the test directory.");
    }

    private static Func<Record, bool?> Compile(string condition)
    {
        var diagnostics = new DiagnosticBag();
        var text = new ExpressionText(condition, SourceLocation.None);
        SyntaxNode syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default) ?? throw new InvalidOperationException(condition + "\n" + string.Join("\n", diagnostics.Items));
        BoundExpression bound = new Binder(text, new BindingScope(Expressions.Schema, ["t"]), diagnostics, "R").BindCondition(syntax);
        if (diagnostics.HasErrors)
        {
            throw new InvalidOperationException(condition + "\n" + string.Join("\n", diagnostics.Items));
        }

        return new ExpressionCompiler(Expressions.Layout).CompileCondition(bound);
    }

    private static Outcome Evaluate(Func<Record, bool?> compiled, Record record)
    {
        try
        {
            return new Outcome(false, compiled(record));
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, null, out _, out _))
        {
            return new Outcome(true, null);
        }
    }

    private static Outcome[][] DuckDbOutcomes(DuckDBConnection connection, List<string> conditions)
    {
        var result = new Outcome[conditions.Count][];
        try
        {
            string sql = "SELECT " + string.Join(", ", conditions.Select(c => $"({c})")) + " FROM t ORDER BY id";
            for (int k = 0; k < conditions.Count; k++)
            {
                result[k] = new Outcome[RowCount];
            }

            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            int row = 0;
            while (reader.Read())
            {
                for (int k = 0; k < conditions.Count; k++)
                {
                    result[k][row] = new Outcome(false, reader.IsDBNull(k) ? null : reader.GetBoolean(k));
                }

                row++;
            }

            return result;
        }
        catch (DuckDBException)
        {
            // One condition failed on some row; find out which, row by row.
            for (int k = 0; k < conditions.Count; k++)
            {
                for (int row = 0; row < RowCount; row++)
                {
                    result[k][row] = SingleOutcome(connection, conditions[k], row);
                }
            }

            return result;
        }
    }

    private static Outcome SingleOutcome(DuckDBConnection connection, string condition, int row)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT ({condition}) FROM t WHERE id = {row}";
            object? value = command.ExecuteScalar();
            return new Outcome(false, value is null or DBNull ? null : (bool)value);
        }
        catch (DuckDBException)
        {
            return new Outcome(true, null);
        }
    }

    private static Dictionary<string, object?> RandomRow(Random random)
    {
        DateOnly[] specialDates = [new(2024, 1, 31), new(2024, 2, 29), new(2023, 2, 28), new(2024, 12, 31), new(2023, 1, 1)];
        object? Maybe(Func<object?> value) => random.Next(5) == 0 ? null : value();
        return new Dictionary<string, object?>
        {
            ["i"] = Maybe(() => (long)random.Next(-100, 101)),
            ["j"] = Maybe(() => (long)random.Next(-100, 101)),
            ["d"] = Maybe(() => random.Next(-10000, 10001) / 100m),
            ["f"] = Maybe(() => random.Next(-400, 401) / 4.0),
            ["s"] = Maybe(() => ConditionGenerator.RandomText(random)),
            ["u"] = Maybe(() => ConditionGenerator.RandomText(random)),
            ["b"] = Maybe(() => random.Next(2) == 0),
            ["dt"] = Maybe(() => random.Next(4) == 0 ? specialDates[random.Next(specialDates.Length)] : new DateOnly(2023, 1, 1).AddDays(random.Next(0, 800))),
            ["dt2"] = Maybe(() => new DateOnly(2023, 1, 1).AddDays(random.Next(0, 800))),
        };
    }

    private static Record ToRecord(Dictionary<string, object?> row) =>
        Expressions.Row([.. row.Select(kv => (kv.Key, kv.Value))]);

    private static string InsertSql(int id, Dictionary<string, object?> row)
    {
        string Literal(object? value) => value switch
        {
            null => "NULL",
            string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
            bool b => b ? "TRUE" : "FALSE",
            DateOnly date => "DATE '" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'",
            double f => f.ToString("R", CultureInfo.InvariantCulture) + "::DOUBLE",
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => throw new ArgumentException(value.GetType().Name),
        };
        return $"INSERT INTO t VALUES ({id}, {string.Join(", ", new[] { "i", "j", "d", "f", "s", "u", "b", "dt", "dt2" }.Select(c => Literal(row[c])))})";
    }

    private static string Describe(Dictionary<string, object?> row) =>
        string.Join(", ", row.Select(kv => $"{kv.Key}={(kv.Value is null ? "NULL" : Convert.ToString(kv.Value, CultureInfo.InvariantCulture))}"));

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private readonly record struct Outcome(bool IsError, bool? Value)
    {
        public override string ToString() => IsError ? "error" : Value?.ToString() ?? "NULL";
    }
}

/// <summary>Generates random typed expressions, each printed in the engine's language and in DuckDB's SQL.</summary>
internal sealed class ConditionGenerator(Random random)
{
    private static readonly string[] Alphabet = ["a", "b", "A", "张", "三", " ", "%", "_"];
    private static readonly string[] Patterns = ["%", "a%", "%a", "%张%", "_", "a_", "_%_", "%三", "A%b", "%\\%", "张__"];
    private static readonly string[] Regexes = ["a", "^a", "b$", "a.b", "[张三]+", "^[ab]*$", "a|b"];

    public static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        int length = random.Next(0, 5);
        for (int i = 0; i < length; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }

    public (string Engine, string DuckDb) Bool(int depth)
    {
        int choice = random.Next(depth <= 0 ? 3 : 16);
        switch (choice)
        {
            case 0:
                return ("b", "b");
            case 1:
                return Pick(("TRUE", "TRUE"), ("FALSE", "FALSE"), ("NULL", "NULL::BOOLEAN"));
            case 2:
                return Compare(Int(0), Int(0));
            case 3:
                return Compare(Number(depth - 1), Number(depth - 1));
            case 4:
                return Compare(Text(depth - 1), Text(depth - 1));
            case 5:
                return Compare(Date(depth - 1), Date(depth - 1));
            case 6:
            {
                var operands = Enumerable.Range(0, random.Next(2, 4)).Select(_ => Bool(depth - 1)).ToList();
                string op = random.Next(2) == 0 ? " AND " : " OR ";
                return ("(" + string.Join(op, operands.Select(o => o.Engine)) + ")", "(" + string.Join(op, operands.Select(o => o.DuckDb)) + ")");
            }

            case 7:
                return Map(Bool(depth - 1), x => $"(NOT {x})");
            case 8:
            {
                var value = AnyValue(depth - 1);
                string test = random.Next(2) == 0 ? " IS NULL" : " IS NOT NULL";
                return Map(value, x => $"({x}{test})");
            }

            case 9:
                return In(depth);
            case 10:
            {
                var (value, low, high) = random.Next(3) switch
                {
                    0 => (Number(depth - 1), Number(depth - 1), Number(depth - 1)),
                    1 => (Date(depth - 1), Date(depth - 1), Date(depth - 1)),
                    _ => (Text(depth - 1), Text(0), Text(0)),
                };
                string not = random.Next(3) == 0 ? "NOT " : string.Empty;
                return ($"({value.Engine} {not}BETWEEN {low.Engine} AND {high.Engine})", $"({value.DuckDb} {not}BETWEEN {low.DuckDb} AND {high.DuckDb})");
            }

            case 11:
            {
                var value = Text(depth - 1);
                string pattern = Quote(Patterns[random.Next(Patterns.Length)]);
                string not = random.Next(3) == 0 ? "NOT " : string.Empty;
                return ($"({value.Engine} {not}LIKE {pattern})", $"({value.DuckDb} {not}LIKE {pattern})");
            }

            case 12:
            {
                string function = new[] { "contains", "starts_with", "ends_with" }[random.Next(3)];
                var a = Text(depth - 1);
                var b = Text(0);
                return ($"{function}({a.Engine}, {b.Engine})", $"{function}({a.DuckDb}, {b.DuckDb})");
            }

            case 13:
            {
                var a = Text(depth - 1);
                string pattern = Quote(Regexes[random.Next(Regexes.Length)]);
                return ($"regexp_like({a.Engine}, {pattern})", $"regexp_matches({a.DuckDb}, {pattern})");
            }

            case 14:
                return Case(Bool(depth - 1), Bool(depth - 1), Bool(depth - 1));
            default:
                return Compare(Bool(depth - 1), Bool(depth - 1));
        }
    }

    private (string Engine, string DuckDb) Number(int depth) => random.Next(3) switch
    {
        0 => Int(depth),
        1 => Decimal(depth),
        _ => Double(depth),
    };

    public (string Engine, string DuckDb) Int(int depth)
    {
        int choice = random.Next(depth <= 0 ? 3 : 17);
        switch (choice)
        {
            case 0:
                return Pick(("i", "i"), ("j", "j"));
            case 1:
                string literal = random.Next(-100, 101).ToString(CultureInfo.InvariantCulture);
                return (literal, literal);
            case 2:
                return ("CAST(NULL AS INT)", "NULL::BIGINT");
            case 3:
                return Binary(Int(depth - 1), Int(depth - 1), random.Next(2) == 0 ? "+" : "-");
            case 4:
                return Binary(Int(depth - 1), SmallLiteral(), "*");
            case 5:
                return Binary(Int(depth - 1), NonZeroLiteral(), "%");
            case 6:
                return Map(Int(depth - 1), x => $"(- {x})");
            case 7:
                return Map(Int(depth - 1), x => $"abs({x})");
            case 8:
                return Map(Text(depth - 1), x => $"length({x})");
            case 9:
            {
                string part = new[] { "year", "month", "day" }[random.Next(3)];
                return Map(Date(depth - 1), x => $"{part}({x})");
            }

            case 10:
            {
                var a = Date(depth - 1);
                var b = Date(depth - 1);
                return ($"days_between({a.Engine}, {b.Engine})", $"date_diff('day', {a.DuckDb}, {b.DuckDb})");
            }

            case 11:
                return Binary(Date(depth - 1), Date(depth - 1), "-");
            case 12:
                return Case(Bool(depth - 1), Int(depth - 1), Int(depth - 1));
            case 13:
                return Call("coalesce", Int(depth - 1), Int(depth - 1));
            case 14:
                return Call(random.Next(2) == 0 ? "least" : "greatest", Int(depth - 1), Int(depth - 1));
            case 15:
                return Map(Decimal(depth - 1), x => $"CAST({x} AS INT)", x => $"CAST({x} AS BIGINT)");
            default:
                return Map(Text(depth - 1), x => $"length({x} || 'x')");
        }
    }

    private (string Engine, string DuckDb) Decimal(int depth)
    {
        int choice = random.Next(depth <= 0 ? 3 : 13);
        switch (choice)
        {
            case 0:
                return ("d", "d");
            case 1:
                string literal = (random.Next(-10000, 10001) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
                return (literal, literal);
            case 2:
                return ("CAST(NULL AS DECIMAL)", "NULL::DECIMAL(18,3)");
            case 3:
                return Binary(Decimal(depth - 1), Random2(() => Decimal(depth - 1), () => Int(depth - 1)), random.Next(2) == 0 ? "+" : "-");
            case 4:
                return Binary(Decimal(depth - 1), SmallLiteral(), "*");
            case 5:
                return Binary(Decimal(depth - 1), NonZeroLiteral(), "%");
            case 6:
                return Map(Decimal(depth - 1), x => $"abs({x})");
            case 7:
            {
                string function = random.Next(2) == 0 ? "floor" : "ceil";
                return Map(Decimal(depth - 1), x => $"{function}({x})");
            }

            case 8:
            {
                int digits = random.Next(0, 3);
                return Map(Decimal(depth - 1), x => $"round({x}, {digits})", x => $"round({x}, CAST({digits} AS INTEGER))");
            }

            case 9:
                return Map(Decimal(depth - 1), x => $"(- {x})");
            case 10:
                return Case(Bool(depth - 1), Decimal(depth - 1), Decimal(depth - 1));
            case 11:
                return Call("coalesce", Decimal(depth - 1), Int(depth - 1));
            default:
                return Call(random.Next(2) == 0 ? "least" : "greatest", Decimal(depth - 1), Int(depth - 1));
        }
    }

    private (string Engine, string DuckDb) Double(int depth)
    {
        int choice = random.Next(depth <= 0 ? 2 : 9);
        switch (choice)
        {
            case 0:
                return ("f", "f");
            case 1:
                string literal = (random.Next(-400, 401) / 4.0).ToString("0.00", CultureInfo.InvariantCulture) + "e0";
                return (literal, literal);
            case 2:
                return Binary(Double(depth - 1), Random2(() => Double(depth - 1), () => Decimal(depth - 1)), random.Next(2) == 0 ? "+" : "-");
            case 3:
                return Binary(Double(depth - 1), SmallLiteral(), "*");
            case 4:
                return Map(Double(depth - 1), x => $"abs({x})");
            case 5:
            {
                string function = random.Next(2) == 0 ? "floor" : "ceil";
                return Map(Double(depth - 1), x => $"{function}({x})");
            }

            case 6:
                return Map(Double(depth - 1), x => $"(- {x})");
            case 7:
                return Case(Bool(depth - 1), Double(depth - 1), Double(depth - 1));
            default:
                return Call("coalesce", Double(depth - 1), Decimal(depth - 1));
        }
    }

    private (string Engine, string DuckDb) Text(int depth)
    {
        int choice = random.Next(depth <= 0 ? 3 : 12);
        switch (choice)
        {
            case 0:
                return Pick(("s", "s"), ("u", "u"));
            case 1:
            {
                string literal = Quote(RandomText(random));
                return (literal, literal);
            }

            case 2:
                return ("CAST(NULL AS TEXT)", "NULL::VARCHAR");
            case 3:
                return Binary(Text(depth - 1), Text(depth - 1), "||");
            case 4:
            {
                string function = random.Next(2) == 0 ? "lower" : "upper";
                return Map(Text(depth - 1), x => $"{function}({x})");
            }

            case 5:
                return Map(Text(depth - 1), x => $"trim({x})");
            case 6:
            {
                int start = random.Next(-3, 5);
                string length = random.Next(2) == 0 ? string.Empty : ", " + random.Next(0, 4).ToString(CultureInfo.InvariantCulture);
                return Map(Text(depth - 1), x => $"substr({x}, {start}{length})");
            }

            case 7:
                return Map(Int(depth - 1), x => $"CAST({x} AS TEXT)", x => $"CAST({x} AS VARCHAR)");
            case 8:
                return Map(Date(depth - 1), x => $"CAST({x} AS TEXT)", x => $"CAST({x} AS VARCHAR)");
            case 9:
                return Case(Bool(depth - 1), Text(depth - 1), Text(depth - 1));
            case 10:
                return Call("coalesce", Text(depth - 1), Text(depth - 1));
            default:
                return Call(random.Next(2) == 0 ? "least" : "greatest", Text(depth - 1), Text(depth - 1));
        }
    }

    private (string Engine, string DuckDb) Date(int depth)
    {
        int choice = random.Next(depth <= 0 ? 3 : 8);
        switch (choice)
        {
            case 0:
                return Pick(("dt", "dt"), ("dt2", "dt2"));
            case 1:
            {
                string literal = "DATE '" + new DateOnly(2023, 1, 1).AddDays(random.Next(0, 800)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'";
                return (literal, literal);
            }

            case 2:
                return ("CAST(NULL AS DATE)", "NULL::DATE");
            case 3:
            {
                var date = Date(depth - 1);
                var days = Int(depth - 1);
                string op = random.Next(2) == 0 ? "+" : "-";
                return ($"({date.Engine} {op} {days.Engine})", $"({date.DuckDb} {op} CAST({days.DuckDb} AS INTEGER))");
            }

            case 4:
            {
                var date = Date(depth - 1);
                int amount = random.Next(-13, 14);
                bool months = random.Next(2) == 0;
                return (
                    $"date_add({date.Engine}, {amount}, '{(months ? "month" : "year")}')",
                    $"CAST({date.DuckDb} + {(months ? "to_months" : "to_years")}(CAST({amount} AS INTEGER)) AS DATE)");
            }

            case 5:
                return Case(Bool(depth - 1), Date(depth - 1), Date(depth - 1));
            case 6:
                return Call("coalesce", Date(depth - 1), Date(depth - 1));
            default:
                return Call(random.Next(2) == 0 ? "least" : "greatest", Date(depth - 1), Date(depth - 1));
        }
    }

    private (string Engine, string DuckDb) AnyValue(int depth) => random.Next(5) switch
    {
        0 => Int(depth),
        1 => Decimal(depth),
        2 => Text(depth),
        3 => Date(depth),
        _ => Bool(depth),
    };

    private (string Engine, string DuckDb) In(int depth)
    {
        Func<(string, string)> item = random.Next(3) switch
        {
            0 => () => Int(0),
            1 => () => Text(0),
            _ => () => Date(0),
        };
        var value = item();
        var items = Enumerable.Range(0, random.Next(1, 5)).Select(_ => item()).ToList();
        string not = random.Next(3) == 0 ? "NOT " : string.Empty;
        return (
            $"({value.Item1} {not}IN ({string.Join(", ", items.Select(i => i.Item1))}))",
            $"({value.Item2} {not}IN ({string.Join(", ", items.Select(i => i.Item2))}))");
    }

    private (string Engine, string DuckDb) Compare((string Engine, string DuckDb) a, (string Engine, string DuckDb) b)
    {
        string op = new[] { "=", "<>", "<", "<=", ">", ">=" }[random.Next(6)];
        return ($"({a.Engine} {op} {b.Engine})", $"({a.DuckDb} {op} {b.DuckDb})");
    }

    private (string Engine, string DuckDb) Case((string Engine, string DuckDb) when, (string Engine, string DuckDb) then, (string Engine, string DuckDb) otherwise) =>
        random.Next(3) == 0
            ? ($"(CASE WHEN {when.Engine} THEN {then.Engine} END)", $"(CASE WHEN {when.DuckDb} THEN {then.DuckDb} END)")
            : ($"(CASE WHEN {when.Engine} THEN {then.Engine} ELSE {otherwise.Engine} END)", $"(CASE WHEN {when.DuckDb} THEN {then.DuckDb} ELSE {otherwise.DuckDb} END)");

    private static (string Engine, string DuckDb) Call(string function, (string Engine, string DuckDb) a, (string Engine, string DuckDb) b) =>
        ($"{function}({a.Engine}, {b.Engine})", $"{function}({a.DuckDb}, {b.DuckDb})");

    private static (string Engine, string DuckDb) Binary((string Engine, string DuckDb) a, (string Engine, string DuckDb) b, string op) =>
        ($"({a.Engine} {op} {b.Engine})", $"({a.DuckDb} {op} {b.DuckDb})");

    private static (string Engine, string DuckDb) Map((string Engine, string DuckDb) x, Func<string, string> both) => (both(x.Engine), both(x.DuckDb));

    private static (string Engine, string DuckDb) Map((string Engine, string DuckDb) x, Func<string, string> engine, Func<string, string> duckDb) => (engine(x.Engine), duckDb(x.DuckDb));

    private (string Engine, string DuckDb) SmallLiteral()
    {
        string literal = random.Next(-5, 6).ToString(CultureInfo.InvariantCulture);
        return (literal, literal);
    }

    private (string Engine, string DuckDb) NonZeroLiteral()
    {
        int value = random.Next(1, 8) * (random.Next(2) == 0 ? 1 : -1);
        string literal = value.ToString(CultureInfo.InvariantCulture);
        return (literal, literal);
    }

    private (string Engine, string DuckDb) Random2(Func<(string, string)> a, Func<(string, string)> b) => random.Next(2) == 0 ? a() : b();

    private (string Engine, string DuckDb) Pick(params (string Engine, string DuckDb)[] options) => options[random.Next(options.Length)];

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
