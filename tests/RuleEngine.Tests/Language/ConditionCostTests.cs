using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Language;

public class ConditionCostTests
{
    [Fact]
    public void CheapestFirst_SafeOperands_PutsEqualitiesBeforeRangesAndPatterns()
    {
        BoundLogical and = Bind("regexp_like(s, 'a+b') AND s LIKE 'a_c%' AND i > 5 AND u = 'x'");
        Assert.Equal(["u = 'x'", "i > 5", "s LIKE 'a_c%'", "regexp_like(s, 'a+b')"], ConditionCost.CheapestFirst(and.Operands).Select(Text));
    }

    [Fact]
    public void CheapestFirst_AnOperandThatCanFail_KeepsTheWrittenOrder()
    {
        BoundLogical and = Bind("j <> 0 AND i / j > 1 AND u = 'x'");
        Assert.Equal(["j <> 0", "i / j > 1", "u = 'x'"], ConditionCost.CheapestFirst(and.Operands).Select(Text));
    }

    private static string _text = string.Empty;

    private static BoundLogical Bind(string condition)
    {
        _text = condition;
        var diagnostics = new DiagnosticBag();
        var text = new ExpressionText(condition, SourceLocation.None);
        SyntaxNode syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default)!;
        return (BoundLogical)new Binder(text, new BindingScope(Expressions.Schema, ["t"]), diagnostics, "R").BindCondition(syntax);
    }

    private static string Text(BoundExpression expression) => _text.Substring(expression.Span.Start, expression.Span.Length);
}
