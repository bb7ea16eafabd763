using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Tests.Support;

namespace RuleEngine.Yaml.Tests;

/// <summary>
/// YAML syntax errors say which line is wrong, what is wrong with it in a model author's words, and how to fix it —
/// not the parser's text at the line after (or the end of the file).
/// </summary>
public class YamlSyntaxErrorTests
{
    private const string Header = "id: M1\nversion: '1'\nname: 模型\nfrom: cases\n";

    [Theory]
    [InlineData("when: amount > 1\nclue:\n  title: x\n severity: high\n", 8, 2, "Line 8 starts in column 2, which lines it up with no key above it.", "line it up with 'title' (column 3), or with 'clue' (column 1)")]
    [InlineData("when: amount > 1\nparameters:\n  n:\n    type: int[]\n    default: [1, 2\n    justification: x\n", 9, 14, "The '[' opened here is never closed.", "Close it with ']'")]
    [InlineData("when: amount > 1\ntests:\n  - name: a\n    records:\n      cases:\n        - {amount: 1, cause: x\n        - {amount: 2}\n", 10, 11, "The '{' opened here is never closed.", "Close it with '}'")]
    [InlineData("when \"amount > 1\"\nclue:\n  title: x\n", 5, 1, "Line 5 has no ':' after its key 'when'.", "'when: …'")]
    [InlineData("when: amount > 1\ntests:\n  - name: a\n   records: {}\n", 8, 4, "Line 8 is not an item of the list above it, whose items start with '- ' in column 3.", "indent it to column 5")]
    [InlineData("when: 'amount > 1\nclue:\n  title: x\n", 5, 7, "The quote opened here is never closed.", "Close the quote")]
    [InlineData("when: amount > 1\n  clue: x\n", 6, 3, "Line 6 is indented under 'when', which already has a value on line 5.", "Start it in column 1, like 'when'")]
    [InlineData("when: cause = 1 AND amount: 80\n", 5, 27, "The value of 'when' contains ': ', which YAML reads as the start of another key.", "when: \"cause = 1 AND amount: 80\"")]
    public void A_syntax_error_points_at_the_line_that_is_wrong_and_says_how_to_fix_it(string body, int line, int column, string message, string hint)
    {
        Diagnostic error = DiagnosticAssert.Only(ModelFolder.Read(Header + body), ModelDiagnosticIds.SyntaxError, line, column);

        Assert.Equal(message, error.Message);
        Assert.Contains(hint, error.Hint, StringComparison.Ordinal);
    }
}
