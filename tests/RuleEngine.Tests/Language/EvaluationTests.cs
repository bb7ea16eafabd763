using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Language;

public class EvaluationTests
{
    public static TheoryData<string, object?> Values => new()
    {
        { "1 + 2 * 3", 7L },
        { "(1 + 2) * 3", 9L },
        { "7 - 10", -3L },
        { "-(2 - 5)", 3L },
        { "7 / 2", 3.5m },
        { "7.0 / 2", 3.5m },
        { "7 % 3", 1L },
        { "-7 % 3", -1L },
        { "5.5 % 2", 1.5m },
        { "1.5 * 2", 3.0m },
        { "0.1 + 0.2", 0.3m },
        { "1e2 + 1", 101d },
        { "'张' || '三'", "张三" },
        { "DATE '2024-01-31' + 30", new DateOnly(2024, 3, 1) },
        { "DATE '2024-03-01' - 1", new DateOnly(2024, 2, 29) },
        { "DATE '2024-03-01' - DATE '2024-02-01'", 29L },
        { "CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END", "b" },
        { "CASE WHEN NULL THEN 'a' ELSE 'c' END", "c" },
        { "CASE WHEN 1 > 2 THEN 'a' END", null },
        { "CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", "two" },
        { "CAST('42' AS INT)", 42L },
        { "CAST(' 3.50 ' AS DECIMAL)", 3.50m },
        { "CAST(2.5 AS INT)", 3L },
        { "CAST(-2.5 AS INT)", -3L },
        { "CAST(3.7e0 AS INT)", 4L },
        { "CAST(42 AS TEXT)", "42" },
        { "CAST(DATE '2024-01-31' AS TEXT)", "2024-01-31" },
        { "CAST('2024-01-31' AS DATE)", new DateOnly(2024, 1, 31) },
        { "CAST(TIMESTAMP '2024-01-31 23:59:00' AS DATE)", new DateOnly(2024, 1, 31) },
        { "CAST(DATE '2024-01-31' AS TIMESTAMP)", new DateTime(2024, 1, 31) },
        { "CAST(TRUE AS INT)", 1L },
        { "CAST('是' AS BOOLEAN)", true },
        { "NULL + 1", null },
        { "'a' || NULL", null },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Eval_Expression_GivesSqlValue(string expression, object? expected) =>
        Assert.Equal(expected, Expressions.Eval(expression));

    [Theory]
    [InlineData("1 = 1", true)]
    [InlineData("1 = 1.0", true)]
    [InlineData("1 <> 2", true)]
    [InlineData("2 < 10", true)]
    [InlineData("'2' < '10'", false)]
    [InlineData("'a' < 'B'", false)]
    [InlineData("'abc' < 'abd'", true)]
    [InlineData("'ab' < 'abc'", true)]
    [InlineData("'\uFFFF' < '\U00010000'", true)]
    [InlineData("DATE '2024-01-01' < DATE '2024-01-02'", true)]
    [InlineData("DATE '2024-01-02' = TIMESTAMP '2024-01-02 00:00:00'", true)]
    [InlineData("TRUE > FALSE", true)]
    [InlineData("5 BETWEEN 1 AND 5", true)]
    [InlineData("5 NOT BETWEEN 1 AND 4", true)]
    [InlineData("'盗窃罪' IN ('盗窃罪', '诈骗罪')", true)]
    [InlineData("'抢劫罪' NOT IN ('盗窃罪', '诈骗罪')", true)]
    [InlineData("3 IN (1, 2, 3.0)", true)]
    [InlineData("'民间借贷纠纷' LIKE '民间%'", true)]
    [InlineData("'民间借贷纠纷' LIKE '%借贷%'", true)]
    [InlineData("'民间借贷纠纷' LIKE '%纠纷'", true)]
    [InlineData("'民间借贷纠纷' LIKE '民间借贷纠纷'", true)]
    [InlineData("'民间借贷纠纷' LIKE '民_借贷%'", true)]
    [InlineData("'民间借贷纠纷' LIKE '民__借贷%'", false)]
    [InlineData("'abc' LIKE 'A%'", false)]
    [InlineData("'a%c' LIKE 'a%c'", true)]
    [InlineData("'' LIKE '%'", true)]
    [InlineData("'𠀀x' LIKE '_x'", true)]
    [InlineData("'aXbXc' LIKE 'a%b%c'", true)]
    [InlineData("'acb' LIKE 'a%b%c'", false)]
    [InlineData("'abc' NOT LIKE 'a%'", false)]
    public void Condition_Comparison_FollowsSql(string condition, bool expected) =>
        Assert.Equal(expected, Expressions.Condition(condition));

    [Fact]
    public void Condition_OverFields_ReadsTypedSlots()
    {
        var row = Expressions.Row(("i", 10L), ("d", 50000.50m), ("f", 156.41), ("s", "盗窃罪"), ("b", true), ("dt", new DateOnly(2024, 3, 18)), ("arr", new[] { "张某", "李某" }), ("meta.term.months", 36));
        Assert.True(Expressions.Condition("i = 10 AND d > 50000 AND f >= 80 AND s = '盗窃罪' AND b AND dt = DATE '2024-03-18' AND array_contains(arr, '李某') AND meta.term.months >= 36", row));
        Assert.True(Expressions.Condition("t.i = 10 AND dt >= '2024-01-01'", row));
    }

    [Fact]
    public void Condition_IntegerOverflow_Throws()
    {
        var row = Expressions.Row(("i", long.MaxValue));
        Assert.Throws<OverflowException>(() => Expressions.Condition("i + 1 > 0", row));
        Assert.Throws<OverflowException>(() => Expressions.Condition("i * 2 > 0", row));
        Assert.Throws<OverflowException>(() => Expressions.Condition("-i - 2 < 0", row));
    }

    [Fact]
    public void Condition_DecimalDivisionByZero_Throws() =>
        Assert.Throws<DivideByZeroException>(() => Expressions.Condition("i / j > 0", Expressions.Row(("i", 1L), ("j", 0L))));

    [Fact]
    public void Condition_DoubleDivisionByZero_IsInfinity() =>
        Assert.True(Expressions.Condition("f / 0 > 1e300", Expressions.Row(("f", 1.0))));

    [Fact]
    public void Condition_CastOfBadText_ThrowsWithCode()
    {
        var error = Assert.Throws<EvaluationException>(() => Expressions.Condition("CAST(s AS INT) > 0", Expressions.Row(("s", "abc"))));
        Assert.Equal(DiagnosticIds.InvalidCast, error.Code);
        Assert.DoesNotContain("abc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Condition_DateArithmeticOutOfRange_Throws() =>
        Assert.Throws<OverflowException>(() => Expressions.Condition("dt + 5000000 > dt", Expressions.Row(("dt", new DateOnly(2024, 1, 1)))));
}
