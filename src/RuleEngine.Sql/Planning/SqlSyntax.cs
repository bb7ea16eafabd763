using System.Globalization;
using System.Text;
using RuleEngine.Language;
using RuleEngine.Schema;

namespace RuleEngine.Sql.Planning;

/// <summary>
/// What differs between the dialects: type names, casts, date arithmetic, and the helper functions every run
/// defines first (<see cref="Prelude"/>): the join-key normalisation, ID-number checks and legal month counting.
/// </summary>
internal abstract class SqlSyntax
{
    /// <summary>White space that the engine's trim removes (Unicode White_Space).</summary>
    public const string WhiteSpace = " \t\n\u000B\f\r\u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000";

    private static readonly string FullWidth = string.Concat(Enumerable.Range(0xFF01, 0x5E).Select(c => (char)c));
    private static readonly string HalfWidth = string.Concat(Enumerable.Range(0x21, 0x5E).Select(c => (char)c));
    private static readonly int[] IdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    public static SqlSyntax For(SqlDialect dialect) => dialect == SqlDialect.PostgreSql ? PostgreSqlSyntax.Instance : DuckDbSyntax.Instance;

    public abstract SqlDialect Dialect { get; }

    /// <summary>Gets the statements that define the helper functions, run once per connection and run.</summary>
    public abstract IReadOnlyList<string> Prelude { get; }

    public abstract string ColumnType(FieldType type);

    public abstract string CastType(LanguageType type);

    /// <summary>Calls a helper function of the prelude.</summary>
    public abstract string Helper(string name, params string[] arguments);

    public abstract string Year(string value);

    public abstract string Month(string value);

    public abstract string Day(string value);

    public abstract string AddMonths(string date, string months);

    public abstract string ContainsText(string text, string part);

    /// <summary>Gets the regular-expression engine of the database, for which patterns are translated (<see cref="RegexDialect"/>).</summary>
    public abstract RegexTarget RegexTarget { get; }

    public abstract string EndsWith(string text, string suffix);

    public abstract string RegexLike(string text, string pattern);

    /// <summary>The text matched by a regex (group 0) or one of its groups; NULL when nothing matches.</summary>
    public abstract string RegexExtract(string text, string pattern, long group);

    public abstract string ArrayContains(string array, string value);

    public abstract string ArrayLength(string array);

    public abstract string ArrayLiteral(IEnumerable<string> quotedItems);

    /// <summary>An aggregate: the non-NULL texts of the group in <paramref name="order"/>, at most <paramref name="limit"/>, as a text array (empty, never NULL, without any).</summary>
    public abstract string TextList(string text, string order, int limit);

    /// <summary>An aggregate: the first non-NULL value of the group in <paramref name="order"/>, or NULL.</summary>
    public abstract string FirstValue(string value, string order);

    /// <summary>Whether the dialect divides decimals exactly (NUMERIC), as the engine does.</summary>
    public abstract bool HasExactDivision { get; }

    /// <summary>Whether decimal columns have a fixed scale (DuckDB's DECIMAL(p, s)), so values read back carry trailing zeros the input did not have.</summary>
    public abstract bool HasFixedDecimalScale { get; }

    /// <summary>Whether the dialect has Unicode NFKC normalisation.</summary>
    public abstract bool HasNfkc { get; }

    /// <summary>Collation clause for text ordering, so text sorts by code point as in the engine.</summary>
    public abstract string OrderingCollation { get; }

    public abstract string Like(string value, string pattern, bool negated);

    public abstract string IntegerDivide(string dividend, string divisor);

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Date(int dayNumber) => "DATE '" + DateOnly.FromDayNumber(dayNumber).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'";

    public static string Timestamp(long ticks) => "TIMESTAMP '" + new DateTime(ticks).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'";

    /// <summary>The body of the key normalisation on text <paramref name="x"/>: trimmed, full-width folded, upper-cased, empty as NULL.</summary>
    protected string KeyText(string x) => $"NULLIF(upper(translate({Trim(x)}, {Text(FullWidth)}, {Text(HalfWidth)})), '')";

    public abstract string Trim(string x);

    /// <summary>Substring by code point, 1-based, with the engine's (DuckDB's) meaning of a start of 0 or below.</summary>
    public abstract string Substr(string text, string start, string? length);

    /// <summary>The 18-digit form of a 17-digit body <paramref name="s"/>: the body and its ISO 7064 MOD 11-2 check character.</summary>
    protected static string IdCheckCharacter(string s)
    {
        var sum = new StringBuilder();
        for (int i = 0; i < IdWeights.Length; i++)
        {
            sum.Append(i == 0 ? string.Empty : " + ").Append(CultureInfo.InvariantCulture, $"CAST(substr({s}, {i + 1}, 1) AS INTEGER) * {IdWeights[i]}");
        }

        return $"substr('10X98765432', (({sum}) % 11) + 1, 1)";
    }

    /// <summary>The provinces an ID number may start with (the engine's <c>IdNumber.IsValid</c>).</summary>
    protected static string ProvinceCodes =>
        string.Join(", ", Enumerable.Range(11, 73).Where(c => c is (>= 11 and <= 15) or (>= 21 and <= 23) or (>= 31 and <= 37) or (>= 41 and <= 46) or (>= 50 and <= 54) or (>= 61 and <= 65) or 71 or 81 or 82 or 83).Select(c => "'" + c.ToString(CultureInfo.InvariantCulture) + "'"));
}
