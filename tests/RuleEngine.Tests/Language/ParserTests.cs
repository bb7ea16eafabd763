using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Language;

public class ParserTests
{
    [Theory]
    [InlineData("a = 1", "(= a 1)")]
    [InlineData("a <> 1", "(<> a 1)")]
    [InlineData("a != 1", "(<> a 1)")]
    [InlineData("a == 1", "(= a 1)")]
    [InlineData("a < 1", "(< a 1)")]
    [InlineData("a <= 1", "(<= a 1)")]
    [InlineData("a > 1", "(> a 1)")]
    [InlineData("a >= 1", "(>= a 1)")]
    [InlineData("x IS NULL", "(IS NULL x)")]
    [InlineData("x is not null", "(IS NOT NULL x)")]
    [InlineData("cause IN ('盗窃罪', '诈骗罪')", "(IN cause ['盗窃罪', '诈骗罪'])")]
    [InlineData("cause NOT IN ('盗窃罪')", "(NOT IN cause ['盗窃罪'])")]
    [InlineData("amount BETWEEN 1000 AND 3000", "(BETWEEN amount 1000 3000)")]
    [InlineData("amount NOT BETWEEN 1000 AND 3000", "(NOT BETWEEN amount 1000 3000)")]
    [InlineData("facts LIKE '%醉酒%'", "(LIKE facts '%醉酒%')")]
    [InlineData("facts NOT LIKE '%醉酒%'", "(NOT LIKE facts '%醉酒%')")]
    [InlineData("NOT a", "(NOT a)")]
    [InlineData("-a", "(- a)")]
    [InlineData("-5", "-5")]
    [InlineData("- 2.50", "-2.50")]
    [InlineData("1.5e3", "1500")]
    [InlineData("'it''s'", "'it's'")]
    [InlineData("DATE '2024-01-31'", "DATE 2024-01-31")]
    [InlineData("TIMESTAMP '2024-01-31 08:30:00'", "TIMESTAMP 2024-01-31 08:30:00")]
    [InlineData("TRUE", "TRUE")]
    [InlineData("false", "FALSE")]
    [InlineData("NULL", "NULL")]
    [InlineData("j.cause", "j.cause")]
    [InlineData("meta.term_of_imprisonment.imprisonment", "meta.term_of_imprisonment.imprisonment")]
    [InlineData("\"案由\" = '盗窃罪'", "(= 案由 '盗窃罪')")]
    [InlineData("案由 = '盗窃罪'", "(= 案由 '盗窃罪')")]
    [InlineData("DAYS_BETWEEN(a, b)", "days_between(a, b)")]
    [InlineData("f()", "f()")]
    [InlineData("CAST(amount AS decimal)", "(CAST amount AS DECIMAL)")]
    [InlineData("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END", "(CASE (WHEN a 1) (WHEN b 2) (ELSE 3))")]
    [InlineData("CASE x WHEN 1 THEN 'a' END", "(CASE (WHEN (= x 1) 'a'))")]
    [InlineData("a || b", "(|| a b)")]
    [InlineData("a = 1 -- 醉驾\n  AND b -- 注释", "(AND (= a 1) b)")]
    [InlineData("a - -1", "(- a -1)")]
    public void Parse_EachConstruct_ProducesItsTree(string expression, string expected) =>
        Assert.Equal(expected, SyntaxPrinter.Parse(expression));

    [Theory]
    [InlineData("a OR b AND c", "(OR a (AND b c))")]
    [InlineData("a AND b OR c AND d", "(OR (AND a b) (AND c d))")]
    [InlineData("NOT a AND b", "(AND (NOT a) b)")]
    [InlineData("NOT a = 1", "(NOT (= a 1))")]
    [InlineData("a = 1 + 2 * 3", "(= a (+ 1 (* 2 3)))")]
    [InlineData("(1 + 2) * 3 > x", "(> (* (+ 1 2) 3) x)")]
    [InlineData("a - b - c = 0", "(= (- (- a b) c) 0)")]
    [InlineData("a / b % c = 0", "(= (% (/ a b) c) 0)")]
    [InlineData("-a * b = 0", "(= (* (- a) b) 0)")]
    [InlineData("a || b || c = 'x'", "(= (|| (|| a b) c) 'x')")]
    [InlineData("a + 1 BETWEEN b AND c + 1", "(BETWEEN (+ a 1) b (+ c 1))")]
    [InlineData("a AND b AND c AND d", "(AND a b c d)")]
    [InlineData("a OR b OR c", "(OR a b c)")]
    [InlineData("x BETWEEN 1 AND 2 AND y", "(AND (BETWEEN x 1 2) y)")]
    public void Parse_Precedence_FollowsSql(string expression, string expected) =>
        Assert.Equal(expected, SyntaxPrinter.Parse(expression));

    [Theory]
    [InlineData("amount >", DiagnosticIds.UnexpectedToken, 1, 9)]
    [InlineData("amount >= 1 AND", DiagnosticIds.UnexpectedToken, 1, 16)]
    [InlineData("(amount >= 1", DiagnosticIds.UnexpectedToken, 1, 13)]
    [InlineData("amount >= 1)", DiagnosticIds.UnexpectedToken, 1, 12)]
    [InlineData("cause = '盗窃罪", DiagnosticIds.UnterminatedText, 1, 9)]
    [InlineData("amount >= 1 & b", DiagnosticIds.UnexpectedCharacter, 1, 13)]
    [InlineData("x\n  AND y >= #", DiagnosticIds.UnexpectedCharacter, 2, 12)]
    [InlineData("filing_date >= DATE '2024-02-30'", DiagnosticIds.InvalidLiteral, 1, 21)]
    [InlineData("ts >= TIMESTAMP 'yesterday'", DiagnosticIds.InvalidLiteral, 1, 17)]
    [InlineData("x IN ()", DiagnosticIds.UnexpectedToken, 1, 7)]
    [InlineData("x NOT = 1", DiagnosticIds.UnexpectedToken, 1, 3)]
    [InlineData("CASE WHEN a THEN 1", DiagnosticIds.UnexpectedToken, 1, 19)]
    [InlineData("CAST(a decimal)", DiagnosticIds.UnexpectedToken, 1, 8)]
    [InlineData("", DiagnosticIds.EmptyExpression, 1, 1)]
    [InlineData("   ", DiagnosticIds.EmptyExpression, 1, 1)]
    public void Parse_SyntaxError_ReportsCodeAtLineAndColumn(string expression, string code, int line, int column)
    {
        Diagnostic diagnostic = Assert.Single(Expressions.Diagnose(expression));
        Assert.Equal(code, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal("rule.yaml", diagnostic.Location.Path);
    }

    [Theory]
    [InlineData("filing_date >= DATE '2024-02-30'", "'2024-02-30' is not a valid date.")]
    [InlineData("ts >= TIMESTAMP 'yesterday'", "'yesterday' is not a valid timestamp.")]
    public void Parse_InvalidDateLiteral_QuotesTheValueOnce(string expression, string message) =>
        Assert.Equal(message, Assert.Single(Expressions.Diagnose(expression)).Message);

    [Fact]
    public void Parse_FullWidthParentheses_ReportsEachWithTheAsciiHint()
    {
        IReadOnlyList<Diagnostic> diagnostics = Expressions.Diagnose("s IN （'a'）");
        Assert.Collection(
            diagnostics,
            d => Assert.Equal((DiagnosticIds.UnexpectedCharacter, 6, "Use the ASCII '(' instead of the full-width '（'."), (d.Id, d.Location.Column, d.Hint)),
            d => Assert.Equal((DiagnosticIds.UnexpectedCharacter, 10, "Use the ASCII ')' instead of the full-width '）'."), (d.Id, d.Location.Column, d.Hint)));
    }

    [Theory]
    [InlineData("i ＞ 1", 3, "Use the ASCII '>' instead of the full-width '＞'.")]
    [InlineData("i ≥ 1", 3, "Write '>=' instead of '≥'.")]
    [InlineData("i ≤ 1", 3, "Write '<=' instead of '≤'.")]
    [InlineData("i ≠ 1", 3, "Write '<>' instead of '≠'.")]
    [InlineData("i => 1", 4, "Write '>=' (the comparison comes first), not '=>'.")]
    [InlineData("i =< 1", 4, "Write '<=' (the comparison comes first), not '=<'.")]
    [InlineData("i > 1; b", 6, "A condition is one expression: join its parts with AND or OR.")]
    [InlineData("s IN 'a'", 6, "The values go in parentheses: IN ('a').")]
    [InlineData("s contains 'a'", 3, "A function takes its arguments in parentheses: contains(s, …).")]
    public void Parse_OperatorsTypedWithAChineseInputMethodOrTheWrongWayRound_HintTheRightOne(string condition, int column, string hint)
    {
        Diagnostic diagnostic = Expressions.Diagnose(condition)[0];
        Assert.Equal((column, hint), (diagnostic.Location.Column, diagnostic.Hint));
    }

    [Fact]
    public void Parse_DoubleAmpersand_IsOneErrorSuggestingAnd()
    {
        Diagnostic diagnostic = Assert.Single(Expressions.Diagnose("i > 1 && b"));
        Assert.Equal("rule.yaml(1,7): error RE1101: Unexpected character '&&'. Write AND instead of '&&'.", diagnostic.ToString());
    }

    [Fact]
    public void Bind_TextInDoubleQuotes_HintsSingleQuotes()
    {
        Diagnostic diagnostic = Expressions.Single("s = \"盗窃罪\"");
        Assert.Equal((DiagnosticIds.UnknownField, 1, 5), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("single quotes", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_UnquotedChineseText_HintsSingleQuotes()
    {
        Diagnostic diagnostic = Expressions.Single("s = 盗窃罪");
        Assert.Equal((DiagnosticIds.UnknownField, 5, "Field names are the dataset's; a text value takes single quotes: '盗窃罪'."), (diagnostic.Id, diagnostic.Location.Column, diagnostic.Hint));
    }

    [Fact]
    public void Parse_MisplacedNot_HintsWhereNotGoes()
    {
        Diagnostic diagnostic = Expressions.Single("i NOT = 1");
        Assert.Contains("NOT IN", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepParentheses_ReportsTooDeepWithoutCrashing()
    {
        string expression = new string('(', 100_000) + "1" + new string(')', 100_000) + " = 1";
        Diagnostic diagnostic = Assert.Single(Expressions.Diagnose(expression, LanguageLimits.Default with { MaxExpressionLength = 1_000_000 }));
        Assert.Equal(DiagnosticIds.ExpressionTooDeep, diagnostic.Id);
    }

    [Fact]
    public void Parse_DeepUnaryChain_ReportsTooDeepWithoutCrashing()
    {
        string expression = string.Concat(Enumerable.Repeat("NOT ", 50_000)) + "b";
        Assert.Equal(DiagnosticIds.ExpressionTooDeep, Assert.Single(Expressions.Diagnose(expression, LanguageLimits.Default with { MaxExpressionLength = 1_000_000 })).Id);
    }

    [Fact]
    public void Parse_LongArithmeticChain_ReportsTooDeepInsteadOfOverflowingTheStack()
    {
        string expression = string.Join(" + ", Enumerable.Repeat("i", 20_000)) + " > 0";
        Assert.Equal(DiagnosticIds.ExpressionTooDeep, Assert.Single(Expressions.Diagnose(expression, LanguageLimits.Default with { MaxExpressionLength = 1_000_000 })).Id);
    }

    [Fact]
    public void Parse_LongConjunction_IsFlatAndAccepted()
    {
        string expression = string.Join(" AND ", Enumerable.Repeat("i > 0", 5_000));
        Assert.Empty(Expressions.Diagnose(expression));
        Assert.True(Expressions.Condition(expression, Expressions.Row(("i", 1L))));
    }

    [Fact]
    public void Parse_TextLongerThanTheLimit_ReportsTooLong()
    {
        string expression = "s = '" + new string('x', 70_000) + "'";
        Assert.Equal(DiagnosticIds.ExpressionTooLong, Assert.Single(Expressions.Diagnose(expression)).Id);
    }

    [Fact]
    public void Parse_ConditionStartingInsideAFile_ReportsFilePosition()
    {
        var diagnostics = new DiagnosticBag();
        var text = new ExpressionText("amount >=\n  AND x", SourceLocation.At("models/m01.yaml", 12, 11));
        Parser.Parse(text, diagnostics, LanguageLimits.Default);
        Diagnostic diagnostic = Assert.Single(diagnostics.Items);
        Assert.Equal("models/m01.yaml(13,3): error RE1103: Expected a value, a field or '(' but found 'AND'.", diagnostic.ToString());
    }
}
