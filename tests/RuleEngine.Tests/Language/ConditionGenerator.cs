using System.Globalization;
using System.Text;

namespace RuleEngine.Tests.Language;

/// <summary>Generates random typed expressions, each printed in the engine's language and in DuckDB's SQL.</summary>
internal sealed class ConditionGenerator(Random random)
{
    private static readonly string[] Alphabet = ["a", "b", "A", "张", "三", " ", "%", "_"];
    private static readonly string[] Patterns = ["%", "a%", "%a", "%张%", "_", "a_", "_%_", "%三", "A%b", "%\\%", "张__"];
    private static readonly string[] Regexes = ["a", "^a", "b$", "a.b", "[张三]+", "^[ab]*$", "a|b", "^.$", "^..$", "[^a]", "\\w", "^\\S+$", "\\s"];

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
                string regex = Regexes[random.Next(Regexes.Length)];

                // DuckDB gets the pattern as the SQL back end writes it: the language's one dialect, spelled for RE2.
                RuleEngine.Language.RegexDialect.TryTranslate(regex, RuleEngine.Language.RegexTarget.Re2, out string re2, out _);
                return ($"regexp_like({a.Engine}, {Quote(regex)})", $"regexp_matches({a.DuckDb}, {Quote(re2)})");
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
                // Negative lengths included: the language gives '' (DuckDB's own substr would read to the left).
                int? count = random.Next(2) == 0 ? null : random.Next(-2, 4);
                string length = count is { } c ? ", " + c.ToString(CultureInfo.InvariantCulture) : string.Empty;
                return Map(
                    Text(depth - 1),
                    x => $"substr({x}, {start}{length})",
                    x => count <= 0 ? $"(CASE WHEN {x} IS NULL THEN NULL ELSE '' END)" : $"substr({x}, {start}{length})");
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
        int choice = random.Next(depth <= 0 ? 3 : 9);
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
            case 7:
            {
                var date = Date(depth - 1);
                return ($"year_month({date.Engine})", $"CAST(date_trunc('month', {date.DuckDb}) AS DATE)");
            }

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
