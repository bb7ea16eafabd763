using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Language;

public class FunctionTests
{
    public static TheoryData<string, object?> Calls => new()
    {
        { "length('汉字ab')", 4L },
        { "length('𠀀')", 1L },
        { "lower('ABC汉')", "abc汉" },
        { "upper('abc')", "ABC" },
        { "trim('  a b \u3000')", "a b" },
        { "substr('汉字abc', 2, 2)", "字a" },
        { "substr('abc', 2)", "bc" },
        { "substr('abc', 0, 2)", "a" },
        { "substr('abc', -1, 2)", "c" },
        { "substr('abc', 5, 2)", string.Empty },
        { "contains('民间借贷纠纷', '借贷')", true },
        { "starts_with('民间借贷纠纷', '民间')", true },
        { "ends_with('民间借贷纠纷', '借贷')", false },
        { "nfkc('ＡＢＣ１２３／')", "ABC123/" },
        { "regexp_like('血液酒精含量156.41mg/100ml', '[0-9]+(\\.[0-9]+)?mg')", true },
        { "regexp_like('abc', '^b')", false },
        { "regexp_extract('血液酒精含量156.41mg/100ml', '([0-9.]+)mg', 1)", "156.41" },
        { "regexp_extract('abc', '[0-9]+')", null },
        { "abs(-3)", 3L },
        { "abs(-2.5)", 2.5m },
        { "round(2.5)", 3m },
        { "round(-2.5)", -3m },
        { "round(2.345, 2)", 2.35m },
        { "round(1234.5, -2)", 1200m },
        { "round(2.5e0)", 3d },
        { "round(7)", 7L },
        { "floor(-2.5)", -3m },
        { "ceil(-2.5)", -2m },
        { "floor(2)", 2L },
        { "coalesce(NULL, 2, 3)", 2L },
        { "least(3, 1.5, 2)", 1.5m },
        { "greatest('a', 'b')", "b" },
        { "greatest(DATE '2024-01-01', DATE '2023-01-01')", new DateOnly(2024, 1, 1) },
        { "year(DATE '2024-03-18')", 2024L },
        { "month(DATE '2024-03-18')", 3L },
        { "day(DATE '2024-03-18')", 18L },
        { "year(TIMESTAMP '2024-03-18 10:00:00')", 2024L },
        { "date_add(DATE '2024-01-31', 1, 'month')", new DateOnly(2024, 2, 29) },
        { "date_add(DATE '2024-02-29', 1, 'year')", new DateOnly(2025, 2, 28) },
        { "date_add(DATE '2024-01-31', 10)", new DateOnly(2024, 2, 10) },
        { "date_add(DATE '2024-01-31', -31, 'days')", new DateOnly(2023, 12, 31) },
        { "days_between(DATE '2024-01-31', DATE '2024-03-01')", 30L },
        { "days_between(DATE '2024-03-01', DATE '2024-01-31')", -30L },
        { "months_between(DATE '2024-01-31', DATE '2024-02-29')", 1L },
        { "months_between(DATE '2024-01-31', DATE '2024-02-28')", 0L },
        { "months_between(DATE '2022-03-18', DATE '2024-03-17')", 23L },
        { "age_at(DATE '1944-03-01', DATE '2024-02-29')", 79L },
        { "age_at(DATE '1944-03-01', DATE '2024-03-01')", 80L },
        { "overlaps(DATE '2024-01-01', DATE '2024-01-10', DATE '2024-01-10', DATE '2024-02-01')", true },
        { "overlaps(DATE '2024-01-01', DATE '2024-01-10', DATE '2024-01-11', DATE '2024-02-01')", false },
        { "id_valid('11010519491231002X')", true },
        { "id_valid('110105194912310021')", false },
        { "id_valid('11010519491231002x')", true },
        { "id_valid('１１０１０５１９４９１２３１００２Ｘ')", true },
        { "id_valid('130503670401001')", true },
        { "id_valid('3.30104E+17')", false },
        { "id_birth_date('11010519491231002X')", new DateOnly(1949, 12, 31) },
        { "id_birth_date('110105194912310021')", null },
        { "id_gender('11010519491231002X')", "女" },
        { "id_gender('370101190102039973')", "男" },
        { "id_region('11010519491231002X')", "110105" },
        { "id_age_at('11010519491231002X', DATE '2024-12-30')", 74L },
        { "id_age_at('11010519491231002X', DATE '2024-12-31')", 75L },
        { "credit_code_valid('91512081MA62K0260E')", true },
        { "credit_code_valid('91350100M000100Y4Z')", false },
        { "case_no_year('（2018）鄂0112刑初298号')", 2018L },
        { "case_no_court('（2018）鄂0112刑初298号')", "鄂0112" },
        { "case_no_type('（2018）鄂0112刑初298号')", "刑初" },
        { "case_no_court('(2019)最高法知民终1号')", "最高法" },
        { "case_no_type('(2019)最高法知民终1号')", "民终" },
        { "case_no_type('〔2016〕浙0624民初1234号')", "民初" },
        { "case_no_year('（2013）饶中民一终字第573号')", 2013L },
        { "case_no_type('（2013）饶中民一终字第573号')", "民一终" },
        { "case_no_year('not a case number')", null },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void Eval_LibraryFunction_GivesDocumentedValue(string expression, object? expected) =>
        Assert.Equal(expected, Expressions.Eval(expression));

    [Fact]
    public void Eval_ArrayFunctions_ReadTextArrays()
    {
        var row = Expressions.Row(("arr", new[] { "张某", "李某" }));
        Assert.Equal(2L, Expressions.Eval("array_length(arr)", row));
        Assert.Equal(true, Expressions.Eval("array_contains(arr, '张某')", row));
        Assert.Equal(false, Expressions.Eval("array_contains(arr, '王某')", row));
    }

    [Fact]
    public void Eval_CatastrophicRegex_RunsInLinearTime()
    {
        var row = Expressions.Row(("s", new string('a', 50_000) + "!"));
        Assert.Equal(false, Expressions.Eval("regexp_like(s, '^(a+)+$')", row));
    }
}
