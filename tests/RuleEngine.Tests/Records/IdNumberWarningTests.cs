using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

/// <summary>R07/R14: an ID number that is not valid (wrong check character, a spreadsheet's scientific notation) is reported, never silently used as if it were.</summary>
public sealed class IdNumberWarningTests
{
    private const string Csv = """
        case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants
        A1,民间借贷纠纷,11010519491231002X,,,100,,,,,
        A2,民间借贷纠纷,110105194912310021,,,100,,,,,
        A3,民间借贷纠纷,3.30104E+17,,,100,,,,,
        A4,民间借贷纠纷,,,,100,,,,,
        """;

    private static readonly RuleSet Rules = TestRules.Build(TestRules.Rule("amount >= 100"), TestRules.Rule("NOT id_valid(plaintiff_id)", "Invalid"));

    [Fact]
    public async Task An_invalid_id_number_is_a_counted_field_warning_and_the_record_is_still_evaluated()
    {
        (List<Clue> clues, RunSummary summary) = await TestRules.RunAsync(Rules, TestRules.Csv(Csv));

        Assert.Equal(4, clues.Count(c => c.RuleId == "R1"));
        Assert.Equal([3L, 4L], clues.Where(c => c.RuleId == "Invalid").Select(c => c.Line));
        Assert.Equal((2L, 0L), (summary.FieldWarnings, summary.RecordsRejected));
        Assert.Equal([(3L, "plaintiff_id"), (4L, "plaintiff_id")], summary.Rejections.Select(r => (r.Line, r.Field!)));
        Assert.All(summary.Rejections, r => Assert.Equal(DiagnosticIds.InvalidIdNumber, r.Code));
        Assert.Contains("scientific notation", summary.Rejections[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("110105194912310021", summary.Rejections[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_can_reject_records_with_invalid_id_numbers_instead()
    {
        (List<Clue> clues, RunSummary summary) = await TestRules.RunAsync(Rules, TestRules.Csv(Csv), new RunOptions { RejectInvalidIdNumbers = true, BadRecords = BadRecordPolicy.Skip });

        Assert.Equal([2L, 5L], clues.Where(c => c.RuleId == "R1").Select(c => c.Line));
        Assert.Equal((0L, 2L, 4L), (summary.FieldWarnings, summary.RecordsRejected, summary.RecordsRead));
    }
}
