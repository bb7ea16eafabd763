using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Smoke()
    {
        var (c, d) = Scripts.Compile("r.Amount > 1000m && r.Cause == \"民间借贷纠纷\"");
        Assert.True(c is not null, string.Join("\n", d));
        RuleSet rules = Scripts.Build(null, "r.Amount > 1000m && r.Cause == \"民间借贷纠纷\"");
        var (clues, summary) = await Scripts.RunAsync(rules, "（2024）京0105民初1号,民间借贷纠纷,,,5000,,,,2024-01-01,,\n（2024）京0105民初2号,民间借贷纠纷,,,500,,,,2024-01-01,,\n");
        Assert.Single(clues);
    }
}
