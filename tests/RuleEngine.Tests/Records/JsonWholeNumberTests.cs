using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

/// <summary>A whole-number field in JSON Lines: <c>1.0</c> is one (as spreadsheets write it), <c>1.5</c> has a fraction, <c>1e12</c> is too large: each said as what it is.</summary>
public sealed class JsonWholeNumberTests
{
    [Theory]
    [InlineData("1.0", null, 1L)]
    [InlineData("3e0", null, 3L)]
    [InlineData("-7.000", null, -7L)]
    [InlineData("1.5", DiagnosticIds.InvalidValue, null)]
    [InlineData("1e12", DiagnosticIds.ValueOutOfRange, null)]
    [InlineData("12", null, 12L)]
    public async Task A_json_number_in_an_int_field_is_read_or_rejected_for_the_right_reason(string number, string? code, long? months)
    {
        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await TestRules.RunAsync(
            TestRules.Build(TestRules.Rule($"months = {months ?? 0}")),
            TestRules.JsonLines($"{{\"case_no\":\"A1\",\"months\":{number},\"amount\":1}}\n{{\"case_no\":\"A2\",\"months\":2,\"amount\":1}}\n"));

        if (code is null)
        {
            Assert.Equal(0, summary.RecordsRejected);
            Assert.Equal(1L, Assert.Single(clues).Line);
        }
        else
        {
            RecordRejection rejection = Assert.Single(summary.Rejections);
            Assert.Equal((code, 1L, "months"), (rejection.Code, rejection.Line, rejection.Field));
        }
    }
}
