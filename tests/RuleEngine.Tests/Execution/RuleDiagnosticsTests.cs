using RuleEngine.Diagnostics;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>A host that builds rules from its own data learns which rule failed, whatever the failure: parse, bind or type.</summary>
public sealed class RuleDiagnosticsTests
{
    [Theory]
    [InlineData("amount >")]
    [InlineData("amout > 1")]
    [InlineData("amount > 'x' AND")]
    [InlineData("lenght(cause) > 2")]
    public void Every_diagnostic_of_a_rule_given_as_a_string_names_the_rule(string condition)
    {
        RuleCompilationException error = Assert.Throws<RuleCompilationException>(() => TestRules.Build(TestRules.Rule("cause = '盗窃罪'", "Sound"), TestRules.Rule(condition, "Broken7")));

        Assert.NotEmpty(error.Diagnostics);
        Assert.All(error.Diagnostics, d => Assert.Equal("Broken7", d.RuleId));
        Assert.All(error.Diagnostics, d => Assert.StartsWith("rule 'Broken7'(1,", d.ToString(), StringComparison.Ordinal));
    }
}
