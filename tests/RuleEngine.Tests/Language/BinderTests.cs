using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Language;

public class BinderTests
{
    [Theory]
    [InlineData("idd = 'x'", DiagnosticIds.UnknownField, 1, 1, "Did you mean 'id'?")]
    [InlineData("i > 1 AND\n  ammount > 1", DiagnosticIds.UnknownField, 2, 3, null)]
    [InlineData("x.i > 1", DiagnosticIds.UnknownAlias, 1, 1, "'t'")]
    [InlineData("t.ii > 1", DiagnosticIds.UnknownField, 1, 1, "Did you mean 'i'?")]
    [InlineData("s > 1", DiagnosticIds.TypeMismatch, 1, 3, "Quote text values")]
    [InlineData("dt > 5", DiagnosticIds.TypeMismatch, 1, 4, "DATE '2024-01-31'")]
    [InlineData("i + s > 1", DiagnosticIds.TypeMismatch, 1, 3, null)]
    [InlineData("i", DiagnosticIds.ConditionNotBoolean, 1, 1, null)]
    [InlineData("i > 1 AND s", DiagnosticIds.TypeMismatch, 1, 11, null)]
    [InlineData("NOT i", DiagnosticIds.TypeMismatch, 1, 1, null)]
    [InlineData("lenght(s) > 1", DiagnosticIds.UnknownFunction, 1, 1, "Did you mean 'length'?")]
    [InlineData("system(s) > 1", DiagnosticIds.UnknownFunction, 1, 1, null)]
    [InlineData("length(s, s) > 1", DiagnosticIds.WrongArgumentCount, 1, 1, "length(text)")]
    [InlineData("days_between(dt) > 1", DiagnosticIds.WrongArgumentCount, 1, 1, null)]
    [InlineData("length(i) > 1", DiagnosticIds.TypeMismatch, 1, 8, "Usage")]
    [InlineData("days_between(dt, s) > 1", DiagnosticIds.TypeMismatch, 1, 18, null)]
    [InlineData("regexp_like(s, u)", DiagnosticIds.ArgumentMustBeLiteral, 1, 16, null)]
    [InlineData("regexp_like(s, '(a')", DiagnosticIds.InvalidRegex, 1, 16, null)]
    [InlineData("regexp_like(s, '(a)\\1')", DiagnosticIds.InvalidRegex, 1, 16, "linear-time")]
    [InlineData("regexp_like(s, '(a{1000}){1000}')", DiagnosticIds.InvalidRegex, 1, 16, "smaller counts")]
    [InlineData("regexp_like(s, '\\bword\\b')", DiagnosticIds.InvalidRegex, 1, 16, "DuckDB and on PostgreSQL")]
    [InlineData("date_add(dt, 1, 'week') > dt", DiagnosticIds.TypeMismatch, 1, 17, "'day', 'month' or 'year'")]
    [InlineData("dt >= '2024-02-30'", DiagnosticIds.InvalidLiteral, 1, 7, null)]
    [InlineData("s IN ('a', 1)", DiagnosticIds.TypeMismatch, 1, 12, null)]
    [InlineData("i LIKE '1%'", DiagnosticIds.TypeMismatch, 1, 1, "CAST")]
    [InlineData("CAST(dt AS INT) > 1", DiagnosticIds.TypeMismatch, 1, 1, null)]
    [InlineData("CAST(s AS MONEY) > 1", DiagnosticIds.TypeMismatch, 1, 11, null)]
    [InlineData("CASE WHEN b THEN 1 ELSE 'x' END = 1", DiagnosticIds.TypeMismatch, 1, 25, null)]
    [InlineData("CASE WHEN i THEN 1 END = 1", DiagnosticIds.TypeMismatch, 1, 11, null)]
    [InlineData("coalesce(i, s) > 1", DiagnosticIds.TypeMismatch, 1, 13, null)]
    [InlineData("arr = arr", DiagnosticIds.TypeMismatch, 1, 5, "array_contains")]
    [InlineData("-s = 1", DiagnosticIds.TypeMismatch, 1, 1, null)]
    [InlineData("s || i = 'x'", DiagnosticIds.TypeMismatch, 1, 3, null)]
    public void Bind_Problem_ReportsCodeLineColumnAndHint(string condition, string code, int line, int column, string? hint)
    {
        Diagnostic diagnostic = Expressions.Single(condition);
        Assert.Equal(code, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal("R", diagnostic.RuleId);
        if (hint is not null)
        {
            Assert.Contains(hint, diagnostic.Hint, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bind_SeveralProblems_ReportsAllOfThemInOrder()
    {
        IReadOnlyList<Diagnostic> diagnostics = Expressions.Diagnose("amout > 1 AND lenght(s) = 2 AND s > 3");
        Assert.Equal([DiagnosticIds.UnknownField, DiagnosticIds.UnknownFunction, DiagnosticIds.TypeMismatch], diagnostics.Select(d => d.Id));
        Assert.Equal([1, 15, 35], diagnostics.Select(d => d.Location.Column));
    }

    [Theory]
    [InlineData("d > '5000'", "Write a number without quotes")]
    [InlineData("i IN ('1', '2')", "Write a number without quotes")]
    [InlineData("s > 5", "Quote text values")]
    public void Bind_TextAgainstNumber_HintsAtTheSideThatIsWrong(string condition, string hint) =>
        Assert.Contains(hint, Expressions.Single(condition).Hint, StringComparison.Ordinal);

    [Theory]
    [InlineData("NOT i", "not an integer value")]
    [InlineData("NOT dt", "not a date value")]
    [InlineData("i", "The condition is an integer value")]
    public void Bind_TypeMessages_NameTheTypeWithItsArticle(string condition, string message) =>
        Assert.Contains(message, Expressions.Single(condition).Message, StringComparison.Ordinal);

    [Fact]
    public void Bind_ErrorInsideAnOperand_DoesNotCascade()
    {
        Diagnostic diagnostic = Assert.Single(Expressions.Diagnose("length(amout) + 1 > 2 * (length(s) - 1)"));
        Assert.Equal(DiagnosticIds.UnknownField, diagnostic.Id);
    }

    [Fact]
    public void Bind_DiagnosticToString_UsesMsBuildFormat()
    {
        Diagnostic diagnostic = Expressions.Single("idd = 'x'");
        Assert.Equal("rule.yaml(1,1): error RE2001: Dataset 't' has no field 'idd'. Did you mean 'id'?", diagnostic.ToString());
    }

    [Theory]
    [InlineData("i", "Int")]
    [InlineData("i + 1", "Int")]
    [InlineData("i + d", "Decimal")]
    [InlineData("i + 1.5", "Decimal")]
    [InlineData("d * f", "Double")]
    [InlineData("i / j", "Decimal")]
    [InlineData("f / 2", "Double")]
    [InlineData("dt + 30", "Date")]
    [InlineData("dt - dt2", "Int")]
    [InlineData("s || u", "Text")]
    [InlineData("coalesce(i, d)", "Decimal")]
    [InlineData("greatest(dt, ts)", "Timestamp")]
    [InlineData("CASE WHEN b THEN 1 ELSE 2.5 END", "Decimal")]
    [InlineData("CAST(s AS DATE)", "Date")]
    [InlineData("id_birth_date(id)", "Date")]
    [InlineData("meta.term.months", "Int")]
    [InlineData("t.meta.term.months", "Int")]
    [InlineData("NULL", "Null")]
    public void Bind_Expression_HasSqlResultType(string expression, string expected) =>
        Assert.Equal(expected, Expressions.TypeOf(expression).ToString());
}
