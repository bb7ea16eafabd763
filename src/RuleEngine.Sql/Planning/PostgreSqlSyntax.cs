using System.Globalization;
using RuleEngine.Language;
using RuleEngine.Schema;

namespace RuleEngine.Sql.Planning;

/// <summary>PostgreSQL: helpers are SQL functions in the session's temporary schema (inlined by the planner); text orders by code point (<c>COLLATE "C"</c>).</summary>
internal sealed class PostgreSqlSyntax : SqlSyntax
{
    public static readonly PostgreSqlSyntax Instance = new();

    private PostgreSqlSyntax()
    {
    }

    public override SqlDialect Dialect => SqlDialect.PostgreSql;

    public override IReadOnlyList<string> Prelude =>
    [
        Function("re_id18", "s text", "text", $"s || {IdCheckCharacter("s")}"),
        Function("re_key_text", "k text", "text", "CASE WHEN k ~ '^[0-9]{15}$' THEN pg_temp.re_id18(substr(k, 1, 6) || '19' || substr(k, 7, 9)) ELSE k END"),
        Function("re_key", "x text", "text", $"pg_temp.re_key_text({KeyText("x")})"),
        Function("re_month_count", "a date, b date", "bigint", "(extract(year FROM b)::bigint - extract(year FROM a)::bigint) * 12 + extract(month FROM b)::bigint - extract(month FROM a)::bigint"),
        Function("re_full_months", "a date, b date", "bigint",
            "CASE WHEN b >= a THEN pg_temp.re_month_count(a, b) - CASE WHEN pg_temp.re_month_count(a, b) > 0 AND a + make_interval(months => pg_temp.re_month_count(a, b)::int) > b THEN 1 ELSE 0 END "
            + "ELSE -(pg_temp.re_month_count(b, a) - CASE WHEN pg_temp.re_month_count(b, a) > 0 AND b + make_interval(months => pg_temp.re_month_count(b, a)::int) > a THEN 1 ELSE 0 END) END"),
        Function("re_id_date", "n text", "date",
            "CASE WHEN substr(n, 11, 2)::int BETWEEN 1 AND 12 AND substr(n, 7, 4)::int >= 1890 "
            + "THEN CASE WHEN substr(n, 13, 2)::int BETWEEN 1 AND extract(day FROM make_date(substr(n, 7, 4)::int, substr(n, 11, 2)::int, 1) + interval '1 month' - interval '1 day')::int "
            + "THEN make_date(substr(n, 7, 4)::int, substr(n, 11, 2)::int, substr(n, 13, 2)::int) END END"),
        Function("re_id_birth_n", "n text", "date", $"CASE WHEN n ~ '^[0-9]{{17}}[0-9X]$' AND substr(n, 1, 2) IN ({ProvinceCodes}) AND {IdCheckCharacter("n")} = substr(n, 18, 1) THEN pg_temp.re_id_date(n) END"),
        Function("re_id_birth", "x text", "date", "pg_temp.re_id_birth_n(pg_temp.re_key(x))"),
        Function("re_substr_range", "s text, f bigint, t bigint", "text", "CASE WHEN greatest(f, 0) >= least(t, char_length(s)) THEN '' ELSE substr(s, (greatest(f, 0) + 1)::int, (least(t, char_length(s)) - greatest(f, 0))::int) END", strict: true),
        Function("re_substr_from", "s text, f bigint, n bigint", "text", "CASE WHEN n <= 0 THEN '' ELSE pg_temp.re_substr_range(s, f, f + n) END", strict: true),
        Function("re_substr", "s text, start bigint, n bigint", "text", "pg_temp.re_substr_from(s, CASE WHEN start > 0 THEN start - 1 WHEN start = 0 THEN -1 ELSE char_length(s) + start END, n)", strict: true),
    ];

    public override string ColumnType(FieldType type) => type switch
    {
        FieldType.Int or FieldType.Long => "bigint",
        FieldType.Decimal => "numeric",
        FieldType.Double => "double precision",
        FieldType.Bool => "boolean",
        FieldType.Date or FieldType.YearMonth => "date",
        FieldType.DateTime => "timestamp",
        FieldType.StringArray => "text[] COLLATE \"C\"",
        _ => "text COLLATE \"C\"",
    };

    public override string CastType(LanguageType type) => type switch
    {
        LanguageType.Int => "bigint",
        LanguageType.Decimal => "numeric",
        LanguageType.Double => "double precision",
        LanguageType.Bool => "boolean",
        LanguageType.Date => "date",
        LanguageType.Timestamp => "timestamp",
        LanguageType.TextArray => "text[]",
        _ => "text",
    };

    public override string Helper(string name, params string[] arguments) => $"pg_temp.{name}({string.Join(", ", arguments)})";

    public override string Year(string value) => $"extract(year FROM {value})::bigint";

    public override string Month(string value) => $"extract(month FROM {value})::bigint";

    public override string Day(string value) => $"extract(day FROM {value})::bigint";

    public override string AddMonths(string date, string months) => $"CAST({date} + make_interval(months => CAST({months} AS integer)) AS date)";

    public override string ContainsText(string text, string part) => $"(strpos({text}, {part}) > 0)";

    public override string EndsWith(string text, string suffix) => $"(right({text}, char_length({suffix})) = {suffix})";

    public override RegexTarget RegexTarget => RegexTarget.PostgreSql;

    public override string RegexLike(string text, string pattern) => $"({text} ~ {pattern})";

    public override string RegexExtract(string text, string pattern, long group) =>
        $"(regexp_match({text}, '(' || {pattern} || ')'))[{group + 1}]";

    public override string TextList(string text, string order, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"coalesce((array_agg({text} ORDER BY {order}) FILTER (WHERE {text} IS NOT NULL))[1:{limit}], ARRAY[]::text[])");

    public override string FirstValue(string value, string order) => $"(array_agg({value} ORDER BY {order}) FILTER (WHERE {value} IS NOT NULL))[1]";

    public override string ArrayContains(string array, string value) => $"({value} = ANY({array}))";

    public override string ArrayLength(string array) => $"CAST(cardinality({array}) AS bigint)";

    public override string ArrayLiteral(IEnumerable<string> quotedItems) => $"CAST(ARRAY[{string.Join(", ", quotedItems)}]::text[] AS text[])";

    public override bool HasExactDivision => true;

    public override bool HasFixedDecimalScale => false;

    public override bool HasNfkc => true;

    public override string OrderingCollation => " COLLATE \"C\"";

    public override string Like(string value, string pattern, bool negated) => $"({value} {(negated ? "NOT " : string.Empty)}LIKE {pattern} ESCAPE '')";

    public override string IntegerDivide(string dividend, string divisor) => $"({dividend} / {divisor})";

    public override string Substr(string text, string start, string? length) => Helper("re_substr", text, start, length ?? "4611686018427387903");

    public override string Trim(string x) => $"btrim({x}, {Text(WhiteSpace)})";

    /// <summary>
    /// A helper: a one-expression SQL function, which the planner inlines into the query (so it costs what the
    /// expression costs). Only the substring helpers are <c>STRICT</c> — their bodies are not NULL-safe — and so are
    /// not inlined; a strict function's body must itself be strict to be inlined.
    /// </summary>
    private static string Function(string name, string parameters, string returns, string body, bool strict = false) =>
        $"CREATE OR REPLACE FUNCTION pg_temp.{name}({parameters}) RETURNS {returns} LANGUAGE sql IMMUTABLE {(strict ? "STRICT " : string.Empty)}PARALLEL SAFE AS $re$SELECT {body}$re$";
}
