using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

/// <summary>
/// The gate checks the calls C# makes for the author, not only the names written: an identifier-only walk would let
/// <c>foreach</c>, deconstruction, operators and conversions reach members the allow-list never named. Each test
/// takes one member out of an otherwise sufficient allow-list and expects the implicit use of it to be refused.
/// </summary>
public sealed class ImplicitCallTests
{
    private static readonly string Base = """
        [System.Private.CoreLib]
        T:System.Object
        T:System.Boolean *
        T:System.Int32 *
        T:System.String
        T:System.Nullable`1 *
        T:System.Decimal *
        T:System.IDisposable *
        T:System.Collections.Generic.KeyValuePair`2 *
        T:System.Collections.Generic.List`1
        M:System.Collections.Generic.List`1.#ctor
        M:System.Collections.Generic.List`1.Add(*)
        M:System.Collections.Generic.List`1.GetEnumerator
        T:System.Collections.Generic.List`1.Enumerator *
        """;

    private static ScriptRuleCompiler Without(string line) =>
        new(new ScriptLimits(), AllowList.Parse(string.Join('\n', Base.Split('\n').Where(l => l.Trim() != line))));

    [Fact]
    public void The_base_list_is_enough_for_every_script_below()
    {
        var compiler = new ScriptRuleCompiler(new ScriptLimits(), AllowList.Parse(Base));
        foreach (string script in new[] { ForEach, Deconstruction, Operator })
        {
            (ScriptCondition? condition, var diagnostics) = Scripts.Compile(script, compiler: compiler);
            Assert.True(condition is not null, string.Join(Environment.NewLine, diagnostics));
        }
    }

    private const string ForEach = "var l = new List<int>(); l.Add(1); int n = 0; foreach (int x in l) { n += x; } return n == 1;";
    private const string Deconstruction = "var (k, v) = new KeyValuePair<int, int>(1, 2); return k < v;";
    private const string Operator = "return r.Amount + 1m > 2m;";

    [Theory]
    [InlineData("M:System.Collections.Generic.List`1.GetEnumerator", ForEach, "GetEnumerator")]
    [InlineData("T:System.Collections.Generic.List`1.Enumerator *", ForEach, "Enumerator")]
    [InlineData("T:System.Collections.Generic.KeyValuePair`2 *", Deconstruction, "KeyValuePair")]
    [InlineData("T:System.Decimal *", Operator, "decimal")]
    public void An_implicit_call_is_checked_like_a_written_one(string removed, string script, string named)
    {
        (ScriptCondition? condition, var diagnostics) = Scripts.Compile(script, compiler: Without(removed));

        Assert.Null(condition);
        Assert.Contains(diagnostics, d => d.Id == ScriptDiagnosticIds.SymbolNotAllowed && d.Message.Contains(named, StringComparison.Ordinal));
    }
}
