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
    public void RandomConditions_EachExplainedConditionsValue_IsWhatItsOwnTextGives()
    {
        var random = new Random(20261206);
        var generator = new ConditionGenerator(random);
        Record[] records = [.. Enumerable.Range(0, 40).Select(_ => ToRecord(RandomRow(random)))];
        var mismatches = new List<string>();
        int lines = 0;
        int negated = 0;
        for (int c = 0; c < 400; c++)
        {
            string condition = generator.Bool(3).Engine;
            var diagnostics = new DiagnosticBag();
            var text = new ExpressionText(condition, SourceLocation.None);
            var binder = new Binder(text, new BindingScope(Expressions.Schema, ["t"]), diagnostics, "R");
            binder.BindCondition(Parser.Parse(text, diagnostics, LanguageLimits.Default)!);
            var compiler = new ExpressionCompiler(Expressions.Layout);
            foreach ((TextSpan span, BoundExpression leaf) in binder.Leaves)
            {
                // The explanation's line: the leaf's text and the value the rule computed for it.
                string line = text.Slice(span);
                Func<Record, bool?> shown = compiler.CompileCondition(leaf);
                Func<Record, bool?> fromText = Compile(line);
                lines++;
                negated += line.StartsWith("(NOT", StringComparison.Ordinal) || line.StartsWith("NOT", StringComparison.Ordinal) ? 1 : 0;

                // A line is a condition as the rule states it: never the operand of a NOT shown without the NOT.
                if (condition[..span.Start].TrimEnd(' ', '(').EndsWith("NOT", StringComparison.Ordinal) && mismatches.Count < 10)
                {
                    mismatches.Add($"{condition}\n  line `{line}` is shown without the NOT that applies to it");
                }

                foreach (Record record in records)
                {
                    Outcome value = Evaluate(shown, record);
                    Outcome regenerated = Evaluate(fromText, record);
                    if (!value.Equals(regenerated) && mismatches.Count < 10)
                    {
                        mismatches.Add($"{condition}\n  line `{line}` showed {value}, its text gives {regenerated}");
                    }
                }
            }
        }

        output.WriteLine($"{lines} explained conditions ({negated} negations) × {records.Length} records.");
        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
        Assert.True(negated > 20, "The generator should produce negated conditions.");
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

    [Fact]
    [Trait("Category", "Differential")]
    public void RandomConditions_TwoValuedPredicates_AnswerWhatTheThreeValuedResultGives()
    {
        var random = new Random(20261206);
        var generator = new ConditionGenerator(random);
        Record[] records = [.. Enumerable.Range(0, RowCount).Select(_ => ToRecord(RandomRow(random)))];
        int[] seen = TwoValuedMismatches(Enumerable.Range(0, ExpressionCount).Select(_ => generator.Bool(3).Engine), records, out List<string> mismatches);
        output.WriteLine($"{ExpressionCount} conditions × {RowCount} rows: {seen[0]} true/false, {seen[1]} unknown, {seen[2]} errors.");
        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
        Assert.True(seen[0] > ExpressionCount && seen[1] > ExpressionCount, "The generator should produce both known and unknown results in quantity.");
    }

    /// <summary>
    /// Rules compiled 64 to a method answer each test they share once per record. Conditions built from a small pool
    /// of tests (so most tests recur, asked for TRUE and, under NOT, for FALSE; some fail on some rows): every bit of
    /// the method is the rule's own predicate, and the method fails exactly where one of its rules fails.
    /// </summary>
    [Fact]
    [Trait("Category", "Differential")]
    public void Conditions_compiled_together_sharing_their_tests_answer_what_each_gives_alone()
    {
        var random = new Random(20261207);
        var generator = new ConditionGenerator(random);
        string[] pool = [.. Enumerable.Range(0, 14).Select(_ => generator.Bool(1).Engine), "d / (i - 3) > 1"];
        string[] failing = ["j % (i - i) = 1", "CAST(s AS INT) > i"];
        string Pick() => random.Next(200) == 0 ? failing[random.Next(failing.Length)] : pool[random.Next(pool.Length)];
        Record[] records = [.. Enumerable.Range(0, RowCount).Select(_ => ToRecord(RandomRow(random)))];
        var compiler = new ExpressionCompiler(Expressions.Layout);
        int checkedBits = 0;
        int failures = 0;
        for (int group = 0; group < 40; group++)
        {
            string[] conditions = [.. Enumerable.Range(0, 1 + random.Next(64)).Select(_ => random.Next(4) switch
            {
                0 => $"({Pick()}) AND ({Pick()})",
                1 => $"NOT (({Pick()}) OR ({Pick()}))",
                2 => $"({Pick()}) OR NOT ({Pick()}) OR ({Pick()})",
                _ => Pick(),
            })];
            Func<Record, ulong> together = compiler.CompileMask<Record>([.. conditions.Select(Bind)]);
            Func<Record, bool>[] alone = [.. conditions.Select(c => compiler.CompilePredicate(Bind(c)))];
            foreach (Record record in records)
            {
                Outcome[] each = [.. alone.Select(p => Evaluate(r => p(r), record))];
                ulong bits = 0;
                bool failed = false;
                try
                {
                    bits = together(record);
                }
                catch (Exception e) when (RuleFailure.TryClassify(e, null, out _, out _))
                {
                    failed = true;
                }

                Assert.True(failed == each.Any(o => o.IsError), $"group {group}: the method {(failed ? "failed" : "did not fail")}; alone: {string.Join(", ", each)}");
                failures += failed ? 1 : 0;
                for (int i = 0; !failed && i < conditions.Length; i++, checkedBits++)
                {
                    Assert.True(((bits >> i) & 1) == (each[i].Value == true ? 1UL : 0UL), $"{conditions[i]}: together {(bits >> i) & 1}, alone {each[i]}");
                }
            }
        }

        Assert.True(checkedBits > 10_000 && failures > 0, $"{checkedBits} bits checked, {failures} failures");
    }

    /// <summary>Where an operand can fail, the two-valued code fails where the three-valued code fails: it skips only what cannot.</summary>
    [Theory]
    [InlineData("i > 0 AND j % (i - i) = 1")]
    [InlineData("NOT (i > 0 AND j % (i - i) = 1)")]
    [InlineData("i IS NULL AND CAST(s AS INT) > 1")]
    [InlineData("NOT (i IS NULL OR CAST(s AS INT) > 1)")]
    [InlineData("b OR d / (i - i) > 1")]
    [InlineData("NOT (b OR d / (i - i) > 1)")]
    [InlineData("CAST(s AS INT) > i AND i < 50")]
    [InlineData("(i > 0 OR j > 0) AND CAST(u AS DATE) > dt")]
    [InlineData("NOT (NOT b AND j * 9223372036854775807 > 1)")]
    [InlineData("i IN (1, 2, NULL) AND j % (i - i) = 0")]
    [InlineData("NOT (i IN (1, 2, NULL) OR j % (i - i) = 0)")]
    public void ConditionsThatCanFail_TwoValuedPredicates_FailWhereTheThreeValuedResultFails(string condition)
    {
        var random = new Random(condition.Length);
        Record[] records = [.. Enumerable.Range(0, RowCount).Select(_ => ToRecord(RandomRow(random)))];
        int[] seen = TwoValuedMismatches([condition], records, out List<string> mismatches);
        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
        Assert.True(seen[2] > 0, "Some row should make the condition fail.");
    }

    /// <summary>
    /// A rule asks "is it TRUE?", and under a NOT the same code asks "is it FALSE?": each must answer what the
    /// three-valued result gives, and fail where it fails. Returns how many results were known, unknown and errors.
    /// </summary>
    private static int[] TwoValuedMismatches(IEnumerable<string> conditions, Record[] records, out List<string> mismatches)
    {
        mismatches = [];
        var seen = new int[3];
        foreach (string condition in conditions)
        {
            var compiler = new ExpressionCompiler(Expressions.Layout);
            Func<Record, bool?> threeValued = compiler.CompileCondition(Bind(condition));
            Func<Record, bool> isTrue = compiler.CompilePredicate(Bind(condition));
            Func<Record, bool> isFalse = compiler.CompilePredicate(Bind($"NOT ({condition})"));
            foreach (Record record in records)
            {
                Outcome expected = Evaluate(threeValued, record);
                Outcome whenTrue = Evaluate(r => isTrue(r), record);
                Outcome whenFalse = Evaluate(r => isFalse(r), record);
                seen[expected.IsError ? 2 : expected.Value is null ? 1 : 0]++;
                Outcome wantTrue = expected.IsError ? expected : new Outcome(false, expected.Value == true);
                Outcome wantFalse = expected.IsError ? expected : new Outcome(false, expected.Value == false);
                if ((!whenTrue.Equals(wantTrue) || !whenFalse.Equals(wantFalse)) && mismatches.Count < 10)
                {
                    mismatches.Add($"{condition}\n  three-valued {expected}; is TRUE gave {whenTrue}, is FALSE gave {whenFalse}");
                }
            }
        }

        return seen;
    }

    private static Func<Record, bool?> Compile(string condition) => new ExpressionCompiler(Expressions.Layout).CompileCondition(Bind(condition));

    private static BoundExpression Bind(string condition)
    {
        var diagnostics = new DiagnosticBag();
        var text = new ExpressionText(condition, SourceLocation.None);
        SyntaxNode syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default) ?? throw new InvalidOperationException(condition + "\n" + string.Join("\n", diagnostics.Items));
        BoundExpression bound = new Binder(text, new BindingScope(Expressions.Schema, ["t"]), diagnostics, "R").BindCondition(syntax);
        if (diagnostics.HasErrors)
        {
            throw new InvalidOperationException(condition + "\n" + string.Join("\n", diagnostics.Items));
        }

        return bound;
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
