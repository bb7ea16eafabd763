using System.Data.Common;
using System.Text.RegularExpressions;
using RuleEngine.Language;
using RuleEngine.Sql.Planning;
using RuleEngine.Sql.Tests.Support;

namespace RuleEngine.Sql.Tests;

/// <summary>
/// One regex dialect on every back end: <c>regexp_like</c> and <c>regexp_extract</c> give the same answers in-process
/// and on DuckDB and PostgreSQL, over text with characters outside the BMP (common in names), line breaks, full-width
/// and Arabic-Indic digits, no-break and ideographic spaces.
/// </summary>
[Trait("Requires", "postgresql")]
public sealed class RegexDialectTests
{
    private static readonly string[] Patterns =
    [
        "^.$", "^..$", "^.+$", "^[^a]$", "^[^a]+$", "^\\d+$", "\\d+", "^\\w+$", "\\w+", "\\s", "^\\S+$", "\\D+", "\\W",
        "a$", "^a", "^a.b$", "a.b", "[0-9]+", "^(?:𠀀|x)+$", "𠀀+", "x𠀀?y", "[^0-9]+", "醉酒.{0,8}毫克", "(\\d+)毫克",
        "^[a-]+$", "[]a]+", "^[\\d.]+$", "[\\s]+", "^(a|b)*$", "a{2,3}", "^.{3}$", "\\.", "[.]", "^$",
    ];

    private static readonly string[] Texts =
    [
        "𠀀", "𠀀x", "x𠀀y", "xy", "a\n", "a", "a\nb", "a b", "aab", "１２３", "123", "٣٤", "12.5", "酒精含量 123毫克", "醉酒驾驶 80毫克",
        "\u00a0", "\u3000", " ", "\t", "a-", "]a", "ab", "aaa", "张𠀀三", "", "b\n",
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Regular_expressions_mean_the_same_in_process_and_in_the_database(SqlDialect dialect)
    {
        SqlSyntax syntax = SqlSyntax.For(dialect);
        await using TestDatabase database = await TestDatabase.OpenAsync(dialect);
        await database.ExecuteAsync("CREATE TABLE rx (id INTEGER, s TEXT)");
        for (int t = 0; t < Texts.Length; t++)
        {
            await database.ExecuteAsync($"INSERT INTO rx VALUES ({t}, {SqlSyntax.Text(Texts[t])})");
        }

        var mismatches = new List<string>();
        foreach (string pattern in Patterns)
        {
            Assert.True(RegexDialect.TryTranslate(pattern, RegexTarget.DotNet, out string dotNet, out var refused), $"{pattern}: {refused}");
            Assert.True(RegexDialect.TryTranslate(pattern, syntax.RegexTarget, out string inDatabase, out _));
            var regex = new Regex(dotNet, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            string like = syntax.RegexLike("s", SqlSyntax.Text(inDatabase));
            string extract = syntax.RegexExtract("s", SqlSyntax.Text(inDatabase), 0);
            await using DbCommand command = database.Connection.CreateCommand();
            command.CommandText = $"SELECT id, {like}, {extract} FROM rx ORDER BY id";
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                string text = Texts[reader.GetInt32(0)];
                bool sqlLike = reader.GetBoolean(1);
                string? sqlExtract = reader.IsDBNull(2) ? null : reader.GetString(2);
                bool engineLike = BuiltinFunctions.RegexLike(text, regex);
                string? engineExtract = BuiltinFunctions.RegexExtract(text, regex);
                if (sqlLike != engineLike || sqlExtract != engineExtract)
                {
                    mismatches.Add($"'{pattern}' on {Show(text)}: engine {engineLike}/{Show(engineExtract)}, {dialect} {sqlLike}/{Show(sqlExtract)}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Theory]
    [InlineData("^.$", "𠀀", true)]
    [InlineData("^[^a]$", "𠀀", true)]
    [InlineData("a$", "a\n", false)]
    [InlineData("^\\d+$", "１２３", false)]
    [InlineData("^\\w+$", "张三", false)]
    [InlineData("\\s", "\u3000", false)]
    [InlineData("^a.b$", "a\nb", true)]
    public void The_dialect_is_the_documented_one_in_process(string pattern, string text, bool matches)
    {
        Assert.True(RegexDialect.TryTranslate(pattern, RegexTarget.DotNet, out string translated, out _));
        Assert.Equal(matches, BuiltinFunctions.RegexLike(text, new Regex(translated, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)));
    }

    [Theory]
    [InlineData("\\bword\\b")]
    [InlineData("(?i)abc")]
    [InlineData("(?<name>a)")]
    [InlineData("(?=a)")]
    [InlineData("\\p{L}")]
    [InlineData("[[:digit:]]")]
    [InlineData("[a-z-[aeiou]]")]
    [InlineData("[\\D]")]
    [InlineData("[𠀀]")]
    [InlineData("\\u4e00")]
    [InlineData("(a)\\1")]
    [InlineData("a\\z")]
    public void A_construct_whose_meaning_differs_between_engines_is_refused_with_a_reason(string pattern)
    {
        foreach (RegexTarget target in Enum.GetValues<RegexTarget>())
        {
            Assert.False(RegexDialect.TryTranslate(pattern, target, out _, out var refused));
            Assert.False(string.IsNullOrWhiteSpace(refused!.Value.Message));
        }
    }

    private static string Show(string? text) => text is null ? "NULL" : "\"" + text.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
