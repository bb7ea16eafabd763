using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Tests.Support;

namespace RuleEngine.Yaml.Tests;

/// <summary>An error inside a condition points at the offending character in the YAML file, whatever the scalar style.</summary>
public class ConditionLocationTests
{
    private const string Header = "id: M1\nversion: '1'\nname: 模型\nfrom: cases\n";

    [Theory]
    [InlineData("when: cause = '盗窃罪' AND amout >= 1000\n", 5, 25)]
    [InlineData("when: 'cause = ''盗窃罪'' AND amout >= 1000'\n", 5, 28)]
    [InlineData("when: \"cause = '\\u76D7窃罪' AND amout >= 1000\"\n", 5, 31)]
    [InlineData("when: \"cause = '盗窃罪'\\n AND amout >= 1000\"\n", 5, 28)]
    [InlineData("when: |\n  cause = '盗窃罪'\n    AND amout >= 1000\n", 7, 9)]
    [InlineData("when: >-\n  cause = '盗窃罪'\n  AND amout >= 1000\n", 7, 7)]
    [InlineData("when: cause = '盗窃罪'\n  AND amout >= 1000\n", 6, 7)]
    [InlineData("when:\n  - cause = '盗窃罪'\n  - amout >= 1000\n", 7, 5)]
    [InlineData("when:\n  - cause = '盗窃罪'\n  - \"amount >= 1000 AND\n    amout > 1\"\n", 8, 5)]
    public void Load_UnknownFieldInAnyScalarStyle_PointsAtIt(string when, int line, int column)
    {
        Diagnostic diagnostic = DiagnosticAssert.Only(ModelFolder.LoadModel(Header + when).Diagnostics, DiagnosticIds.UnknownField, line, column);
        Assert.Equal("Did you mean 'amount'?", diagnostic.Hint);
    }

    [Fact]
    public void Load_SyntaxErrorInBlockScalar_PointsAtTheToken() =>
        DiagnosticAssert.Only(ModelFolder.LoadModel(Header + "when: |\n  amount >= 1000\n    AND AND cause = 'x'\n").Diagnostics, DiagnosticIds.UnexpectedToken, 7, 9);

    [Theory]
    [InlineData("clue:\n  title: \"醉驾 {nmae}\"\n", 7, 14, "Did you mean '{name}'?")]
    [InlineData("clue:\n  evidence: [person_id, amout]\n", 7, 25, "Did you mean 'amount'?")]
    [InlineData("clue:\n  evidence:\n    - person_id\n    - amout\n", 9, 7, "Did you mean 'amount'?")]
    [InlineData("clue:\n  subject: [persn_id]\n", 7, 13, "Did you mean 'person_id'?")]
    [InlineData("clue:\n  evidence: [person_id]\n  material: [amout]\n", 8, 14, "Did you mean 'amount'?")]
    [InlineData("clue:\n  evidence:\n    - person_id\n    - over: amout - 1000\n", 9, 13, "Did you mean 'amount'?")]
    [InlineData("clue:\n  evidence:\n    - over: \"amount -\n        amout\"\n", 9, 9, "Did you mean 'amount'?")]
    [InlineData("clue:\n  title: \"{over} 元\"\n  evidence: [{over: amout - 1000}]\n", 8, 21, "Did you mean 'amount'?")]
    public void Load_UnknownFieldInTheClue_PointsAtTheItemOrPlaceholder(string clue, int line, int column, string hint)
    {
        Diagnostic diagnostic = DiagnosticAssert.Only(ModelFolder.LoadModel(Header + "when: amount > 1\n" + clue).Diagnostics, DiagnosticIds.UnknownField, line, column);
        Assert.Equal(hint, diagnostic.Hint);
    }

    [Theory]
    [InlineData("when: amount >= 5000 AND cause = '盗窃罪' AND amount < 1000\n", 5, 7, "amount")]
    [InlineData("when:\n  - cause = '盗窃罪'\n  - cause <> '盗窃罪'\n", 6, 5, "cause")]
    public void Load_ConditionNoRecordCanMakeTrue_WarnsAtTheCondition(string when, int line, int column, string field)
    {
        ModelSet result = ModelFolder.LoadModel(Header + when);
        Diagnostic warning = DiagnosticAssert.Has(result.Diagnostics, DiagnosticIds.NeverTrue, line, column);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains($"'{field}'", warning.Message, StringComparison.Ordinal);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Single(result.Models);
    }

    /// <summary>A deadline is written into a join and a condition by the reader; a problem in any of its keys is reported once, where that key's text is.</summary>
    [Theory]
    [InlineData("after: filing_dat", "filing_dat", DiagnosticIds.UnknownField)]
    [InlineData("within: $dayz", "$dayz", DiagnosticIds.UnknownParameter)]
    [InlineData("as_of: DATE '2025-01-01' + nope", "nope", DiagnosticIds.UnknownField)]
    [InlineData("date: filing_dat", "filing_dat", DiagnosticIds.UnknownField)]
    [InlineData("date: r.filing_dat", "r.filing_dat", DiagnosticIds.UnknownField)]
    [InlineData("where: r.amout > 1", "r.amout", DiagnosticIds.UnknownField)]
    public void Load_ProblemInADeadline_IsReportedOnceWhereItsKeyIsWritten(string replacement, string token, string code)
    {
        string[] lines =
        [
            "deadline:",
            "  after: filing_date",
            "  within: 10",
            "  as_of: DATE '2025-01-01'",
            "  follow_up: {dataset: cases, as: r, on: {person_id: person_id}, date: r.filing_date, where: r.amount > 1}",
            "when: TRUE",
        ];
        string key = replacement[..replacement.IndexOf(':', StringComparison.Ordinal)];
        int at = Array.FindIndex(lines, l => l.Contains(key + ": ", StringComparison.Ordinal));
        string original = lines[at][(lines[at].IndexOf(key + ": ", StringComparison.Ordinal) + key.Length + 2)..].Split([", ", "}"], StringSplitOptions.None)[0];
        lines[at] = lines[at].Replace(key + ": " + original, replacement, StringComparison.Ordinal);

        DiagnosticAssert.Only(ModelFolder.LoadModel(Header + string.Join("\n", lines) + "\n").Diagnostics, code, 5 + at, lines[at].IndexOf(token, StringComparison.Ordinal) + 1);
    }

    /// <summary>A join's key, an aggregate of a join and a field of a derived dataset are reported where they are written; a broken aggregate is not reported again at each use of its alias.</summary>
    [Theory]
    [InlineData("join:\n  - dataset: cases\n    as: c\n    on: {person_id: person_id}\n    aggregate:\n      n: count()\n      since: min(c.filing_dat)\nwhen: c.n > 0 AND c.since IS NOT NULL\n", "c.filing_dat")]
    [InlineData("join:\n  - dataset: cases\n    as: c\n    on: {person_id: person_id}\n    aggregate:\n      n: count()\n      last: \"first(c.cause ORDER BY c.filing_dat DESC)\"\nwhen: c.n > 0\n", "c.filing_dat")]
    [InlineData("when: amount > 1\nderive:\n  dataset: d1\n  fields:\n    person_id: person_id\n    over: amount - amout\n", "amout")]
    [InlineData("join:\n  - dataset: cases\n    as: c\n    on: {person_idd: person_id}\nwhen: TRUE\n", "person_idd")]
    [InlineData("join:\n  - dataset: cases\n    as: c\n    on:\n      person_id: c.person_idd\nwhen: TRUE\n", "c.person_idd")]
    public void Load_ProblemInAJoinKeyAnAggregateOrADerivedField_PointsAtIt(string rule, string token)
    {
        string[] lines = (Header + rule).Split('\n');
        int line = Array.FindIndex(lines, l => l.Contains(token, StringComparison.Ordinal));

        DiagnosticAssert.Only(ModelFolder.LoadModel(Header + rule).Diagnostics, DiagnosticIds.UnknownField, line + 1, lines[line].IndexOf(token, StringComparison.Ordinal) + 1);
    }

    [Fact]
    public void Load_TypeMismatchInSecondListItem_PointsAtTheOperator() =>
        DiagnosticAssert.Only(ModelFolder.LoadModel(Header + "when:\n  - amount > 1\n  - cause > 5\n").Diagnostics, DiagnosticIds.TypeMismatch, 7, 11);
}
