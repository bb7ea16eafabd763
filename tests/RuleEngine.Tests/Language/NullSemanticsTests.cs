using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Language;

/// <summary>SQL's three-valued logic: NULL makes comparisons UNKNOWN, and a WHERE clause drops UNKNOWN.</summary>
public class NullSemanticsTests
{
    [Theory]
    [InlineData("i = 1", null)]
    [InlineData("i <> 1", null)]
    [InlineData("i > 1", null)]
    [InlineData("s = 'x'", null)]
    [InlineData("s LIKE '%'", null)]
    [InlineData("i IS NULL", true)]
    [InlineData("i IS NOT NULL", false)]
    [InlineData("NOT (i = 1)", null)]
    [InlineData("i = 1 AND FALSE", false)]
    [InlineData("FALSE AND i = 1", false)]
    [InlineData("i = 1 AND TRUE", null)]
    [InlineData("i = 1 OR TRUE", true)]
    [InlineData("TRUE OR i = 1", true)]
    [InlineData("i = 1 OR FALSE", null)]
    [InlineData("i IN (1, 2)", null)]
    [InlineData("1 IN (2, NULL)", null)]
    [InlineData("1 IN (1, NULL)", true)]
    [InlineData("1 NOT IN (2, NULL)", null)]
    [InlineData("1 IN (2, i)", null)]
    [InlineData("1 IN (1, i)", true)]
    [InlineData("i BETWEEN 1 AND 2", null)]
    [InlineData("10 BETWEEN NULL AND 20", null)]
    [InlineData("30 BETWEEN NULL AND 20", false)]
    [InlineData("coalesce(i, 5) = 5", true)]
    [InlineData("coalesce(i, j) IS NULL", true)]
    [InlineData("least(3, i, 1) = 1", true)]
    [InlineData("greatest(i, 2) = 2", true)]
    [InlineData("greatest(i, j) IS NULL", true)]
    [InlineData("length(s) > 0", null)]
    [InlineData("days_between(dt, DATE '2024-01-01') > 0", null)]
    [InlineData("id_valid(id)", null)]
    [InlineData("b", null)]
    [InlineData("NOT b", null)]
    [InlineData("NULL IS NULL", true)]
    [InlineData("NULL = NULL", null)]
    [InlineData("CASE WHEN i = 1 THEN TRUE ELSE FALSE END", false)]
    public void Condition_WithNullFields_FollowsThreeValuedLogic(string condition, bool? expected) =>
        Assert.Equal(expected, Expressions.Condition(condition, Expressions.Row()));

    [Fact]
    public void Condition_UnknownAfterDecidedFalse_SkipsFailingOperand()
    {
        // FALSE decides an AND at once, so the failing division is never evaluated.
        var row = Expressions.Row(("i", 1L), ("j", 0L));
        Assert.False(Expressions.Condition("j <> 0 AND i / j > 1", row));
        Assert.True(Expressions.Condition("j = 0 OR i / j > 1", row));
    }
}
