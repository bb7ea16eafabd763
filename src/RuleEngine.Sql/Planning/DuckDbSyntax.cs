using System.Globalization;
using RuleEngine.Language;
using RuleEngine.Schema;

namespace RuleEngine.Sql.Planning;

/// <summary>DuckDB: helpers are temporary macros; lists for text arrays.</summary>
internal sealed class DuckDbSyntax : SqlSyntax
{
    public static readonly DuckDbSyntax Instance = new();

    private DuckDbSyntax()
    {
    }

    public override SqlDialect Dialect => SqlDialect.DuckDb;

    /// <summary>
    /// Macros expand as text, so one that uses its argument many times would copy an argument that is itself a macro
    /// call many times over (an age from an ID number grows to thousands of calls). Each macro that repeats its
    /// argument binds it once through a one-element list and a lambda: <c>list_transform([x], lambda v: …)[1]</c>.
    /// </summary>
    public override IReadOnlyList<string> Prelude =>
    [
        $"CREATE OR REPLACE TEMP MACRO re_id18(s) AS {Let("s", "v", $"v || {IdCheckCharacter("v")}")}",
        "CREATE OR REPLACE TEMP MACRO re_key_text(k) AS CASE WHEN regexp_full_match(k, '[0-9]{15}') THEN re_id18(substr(k, 1, 6) || '19' || substr(k, 7, 9)) ELSE k END",
        $"CREATE OR REPLACE TEMP MACRO re_key(x) AS {Let(KeyText("CAST(x AS VARCHAR)"), "k", "re_key_text(k)")}",
        "CREATE OR REPLACE TEMP MACRO re_month_count(a, b) AS (year(b) - year(a)) * 12 + month(b) - month(a)",
        "CREATE OR REPLACE TEMP MACRO re_full_months_of(a, b) AS CASE WHEN b >= a THEN re_month_count(a, b) - CASE WHEN re_month_count(a, b) > 0 AND a + to_months(CAST(re_month_count(a, b) AS INTEGER)) > b THEN 1 ELSE 0 END "
            + "ELSE -(re_month_count(b, a) - CASE WHEN re_month_count(b, a) > 0 AND b + to_months(CAST(re_month_count(b, a) AS INTEGER)) > a THEN 1 ELSE 0 END) END",
        $"CREATE OR REPLACE TEMP MACRO re_full_months(a, b) AS {Let("a", "x", Let("b", "y", "re_full_months_of(x, y)"))}",
        "CREATE OR REPLACE TEMP MACRO re_id_date(n) AS CASE WHEN CAST(substr(n, 11, 2) AS INTEGER) BETWEEN 1 AND 12 AND CAST(substr(n, 7, 4) AS INTEGER) >= 1890 "
            + "THEN CASE WHEN CAST(substr(n, 13, 2) AS INTEGER) BETWEEN 1 AND day(last_day(make_date(CAST(substr(n, 7, 4) AS INTEGER), CAST(substr(n, 11, 2) AS INTEGER), 1))) "
            + "THEN make_date(CAST(substr(n, 7, 4) AS INTEGER), CAST(substr(n, 11, 2) AS INTEGER), CAST(substr(n, 13, 2) AS INTEGER)) END END",
        $"CREATE OR REPLACE TEMP MACRO re_id_birth_n(n) AS CASE WHEN regexp_full_match(n, '[0-9]{{17}}[0-9X]') AND substr(n, 1, 2) IN ({ProvinceCodes}) AND {IdCheckCharacter("n")} = substr(n, 18, 1) THEN re_id_date(n) END",
        $"CREATE OR REPLACE TEMP MACRO re_id_birth(x) AS {Let("re_key(x)", "n", "re_id_birth_n(n)")}",

        // DuckDB's substr with a negative length takes characters to the left of the start; the language's is empty.
        // (Parameter names no table uses: a macro's body would otherwise bind a column of the same name.)
        "CREATE OR REPLACE TEMP MACRO re_substr(re_text, re_from, re_count) AS CASE WHEN re_text IS NULL OR re_from IS NULL THEN NULL WHEN re_count <= 0 THEN '' ELSE substr(re_text, re_from, re_count) END",
    ];

    /// <summary><paramref name="body"/> with <paramref name="name"/> bound once to <paramref name="value"/>.</summary>
    private static string Let(string value, string name, string body) => $"list_transform([{value}], lambda {name}: {body})[1]";

    public override string ColumnType(FieldType type) => type switch
    {
        FieldType.Int or FieldType.Long => "BIGINT",
        FieldType.Decimal => "DECIMAL(38, 10)",
        FieldType.Double => "DOUBLE",
        FieldType.Bool => "BOOLEAN",
        FieldType.Date or FieldType.YearMonth => "DATE",
        FieldType.DateTime => "TIMESTAMP",
        FieldType.StringArray => "VARCHAR[]",
        _ => "VARCHAR",
    };

    public override string CastType(LanguageType type) => type switch
    {
        LanguageType.Int => "BIGINT",
        LanguageType.Decimal => "DECIMAL(38, 10)",
        LanguageType.Double => "DOUBLE",
        LanguageType.Bool => "BOOLEAN",
        LanguageType.Date => "DATE",
        LanguageType.Timestamp => "TIMESTAMP",
        LanguageType.TextArray => "VARCHAR[]",
        _ => "VARCHAR",
    };

    public override string Helper(string name, params string[] arguments) => $"{name}({string.Join(", ", arguments)})";

    public override string Year(string value) => $"year({value})";

    public override string Month(string value) => $"month({value})";

    public override string Day(string value) => $"day({value})";

    public override string AddMonths(string date, string months) => $"CAST({date} + to_months(CAST({months} AS INTEGER)) AS DATE)";

    public override string ContainsText(string text, string part) => $"contains({text}, {part})";

    public override string EndsWith(string text, string suffix) => $"ends_with({text}, {suffix})";

    public override RegexTarget RegexTarget => RegexTarget.Re2;

    public override string RegexLike(string text, string pattern) => $"regexp_matches({text}, {pattern})";

    public override string RegexExtract(string text, string pattern, long group) =>
        $"CASE WHEN regexp_matches({text}, {pattern}) THEN regexp_extract({text}, {pattern}, {group}) END";

    public override string TextList(string text, string order, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"coalesce(list({text} ORDER BY {order}) FILTER (WHERE {text} IS NOT NULL), CAST([] AS VARCHAR[]))[1:{limit}]");

    public override string FirstValue(string value, string order) => $"(list({value} ORDER BY {order}) FILTER (WHERE {value} IS NOT NULL))[1]";

    public override string ArrayContains(string array, string value) => $"CASE WHEN {value} IS NOT NULL THEN list_contains({array}, {value}) END";

    public override string ArrayLength(string array) => $"CAST(len({array}) AS BIGINT)";

    public override string ArrayLiteral(IEnumerable<string> quotedItems) => $"CAST([{string.Join(", ", quotedItems)}] AS VARCHAR[])";

    public override bool HasExactDivision => false;

    public override bool HasFixedDecimalScale => true;

    public override bool HasNfkc => false;

    public override string OrderingCollation => string.Empty;

    public override string Like(string value, string pattern, bool negated) => $"({value} {(negated ? "NOT " : string.Empty)}LIKE {pattern})";

    public override string IntegerDivide(string dividend, string divisor) =>
        $"CAST(trunc(CAST({dividend} AS DOUBLE) / {divisor}) AS BIGINT)";

    public override string Substr(string text, string start, string? length) => length is null ? $"substr({text}, {start})" : $"re_substr({text}, {start}, {length})";

    public override string Trim(string x) => $"trim({x}, {Text(WhiteSpace)})";
}
