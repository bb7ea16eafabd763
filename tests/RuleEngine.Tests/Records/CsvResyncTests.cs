using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

/// <summary>
/// A stray quote or a giant line costs one rejected line, never the rest of the file: the reader resynchronises at
/// the next line, and every physical line is accounted for (header + lines in records = lines).
/// </summary>
public sealed class CsvResyncTests
{
    private const string Header = "case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants";

    private static string Row(int i) => $"A{i},盗窃罪,,,,{i},,,,,";

    private static string File(int rows, Func<int, string>? line = null, string newline = "\n")
    {
        var text = new StringBuilder(Header).Append(newline);
        for (int i = 1; i <= rows; i++)
        {
            text.Append(line?.Invoke(i) ?? Row(i)).Append(newline);
        }

        return text.ToString();
    }

    private static Task<(List<RuleEngine.Clues.Clue> Clues, RunSummary Summary)> RunAsync(string csv, CsvSourceOptions? options = null) =>
        TestRules.RunAsync(TestRules.Build(TestRules.Rule("amount > 0")), TestRules.Csv(csv, options: options));

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task An_unbalanced_quote_rejects_its_line_and_the_rest_of_the_file_is_read(string newline)
    {
        // The outside tester's file: 1,001 lines, one unbalanced quote on line 4 (data row 3).
        string csv = File(1000, i => i == 3 ? "A3,\"盗窃罪,,,,3,,,,," : null!, newline);

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv);

        Assert.Equal(1000, summary.RecordsRead);
        Assert.Equal(1, summary.RecordsRejected);
        RecordRejection rejection = Assert.Single(summary.Rejections);
        Assert.Equal((4L, DiagnosticIds.MalformedRecord), (rejection.Line, rejection.Code));
        Assert.Contains("does not close", rejection.Message, StringComparison.Ordinal);
        Assert.Equal(999, clues.Count);
        Assert.DoesNotContain(clues, c => c.Line == 4);
        Assert.Equal(new LineAccount(1001, 1, 1000, 0), summary.LinesPerDataset["judgments"]);
    }

    [Fact]
    public async Task A_stray_quote_that_a_later_quote_closes_is_rejected_alone_with_the_lines_it_would_swallow()
    {
        // Line 4 opens a quote; line 10 has another stray quote, which would close it (and then opens one of its own).
        string csv = File(20, i => i switch
        {
            3 => "A3,盗窃\"罪,,,,3,,,,,",
            9 => "A9,盗窃罪\",,,,9,,,,,",
            _ => null!,
        });

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv);

        Assert.Equal([4L, 10L], summary.Rejections.Select(r => r.Line));
        Assert.Contains("runs to line 10", summary.Rejections[0].Message, StringComparison.Ordinal);
        Assert.Contains("swallow 6 line(s)", summary.Rejections[0].Message, StringComparison.Ordinal);
        Assert.Equal(18, clues.Count);
        Assert.Contains(clues, c => c.Line == 5);
        Assert.Contains(clues, c => c.Line == 11);
        Assert.Equal(new LineAccount(21, 1, 20, 0), summary.LinesPerDataset["judgments"]);
    }

    [Fact]
    public async Task A_quote_at_a_field_start_that_closes_lines_later_in_a_row_of_the_wrong_width_is_rejected_alone()
    {
        // Line 3 opens a field with a quote and no closing one; line 8 has the next quote, at the end of a field.
        string csv = File(12, i => i switch
        {
            2 => "A2,\"盗窃罪,,,,2,,,,,",
            7 => "A7,盗窃罪,,,,7,,,,\",",
            _ => null!,
        });

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv);

        Assert.Equal(3L, summary.Rejections[0].Line);
        Assert.Contains("closes only on line 8", summary.Rejections[0].Message, StringComparison.Ordinal);
        Assert.Contains("swallow 5 line(s)", summary.Rejections[0].Message, StringComparison.Ordinal);
        Assert.Equal([2L, 4L, 5L, 6L, 7L], clues.Select(c => c.Line).Take(5));
        Assert.Equal(0, summary.LinesPerDataset["judgments"].Unaccounted);
    }

    [Fact]
    public async Task A_stray_quote_whose_lines_outgrow_the_read_buffer_still_costs_one_line()
    {
        // 100-character rows: the 1,000 lines the open quote may span are more than one read of the file (64 Ki characters).
        string padding = new('备', 80);
        string csv = File(5000, i => i == 7 ? $"A7,\"{padding},,,,7,,,,," : $"A{i},{padding},,,,{i},,,,,");

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv);

        RecordRejection rejection = Assert.Single(summary.Rejections);
        Assert.Equal(8L, rejection.Line);
        Assert.Contains("within 1000 lines", rejection.Message, StringComparison.Ordinal);
        Assert.Equal(4999, clues.Count);
        Assert.Equal(new LineAccount(5001, 1, 5000, 0), summary.LinesPerDataset["judgments"]);
    }

    [Fact]
    public async Task A_quoted_field_with_line_breaks_is_still_one_record()
    {
        string csv = File(5, i => i == 2 ? "A2,\"盗窃罪\n第二行\n第三行\",,,,2,,,,," : null!);

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv);

        Assert.Equal((5L, 0L), (summary.RecordsRead, summary.RecordsRejected));
        Assert.Equal([2L, 3L, 6L, 7L, 8L], clues.Select(c => c.Line));
        Assert.Equal(new LineAccount(8, 1, 7, 0), summary.LinesPerDataset["judgments"]);
    }

    [Fact]
    public async Task A_quote_open_past_the_line_limit_is_rejected_and_reading_resumes_on_the_next_line()
    {
        string csv = File(50, i => i == 5 ? "A5,\"盗窃罪,,,,5,,,,," : null!);

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv, new CsvSourceOptions { MaxRecordLines = 10 });

        RecordRejection rejection = Assert.Single(summary.Rejections);
        Assert.Equal(6L, rejection.Line);
        Assert.Contains("within 10 lines", rejection.Message, StringComparison.Ordinal);
        Assert.Equal(49, clues.Count);
        Assert.Equal(new LineAccount(51, 1, 50, 0), summary.LinesPerDataset["judgments"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_line_longer_than_the_limit_is_rejected_without_being_held_and_the_rest_is_read(bool quoted)
    {
        string giant = "A3," + (quoted ? "\"" : string.Empty) + new string('x', 50_000) + ",,,,3,,,,,";
        string csv = File(2000, i => i == 3 ? giant : null!);

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv, new CsvSourceOptions { MaxRecordChars = 10_000 });

        RecordRejection rejection = Assert.Single(summary.Rejections);
        Assert.Equal(4L, rejection.Line);
        Assert.Equal(quoted ? DiagnosticIds.MalformedRecord : DiagnosticIds.RecordTooLarge, rejection.Code);
        Assert.Equal(1999, clues.Count);
        Assert.Equal(0, summary.LinesPerDataset["judgments"].Unaccounted);
        Assert.Equal(2001, summary.LinesPerDataset["judgments"].Lines);
    }

    [Theory]
    [InlineData("A4,\"盗窃罪,,,,4,,,,,")]
    [InlineData("A4,盗窃罪,,,,4,,,,,\"2024-01-02")] // as many fields as the header: was read as a record
    public async Task A_last_line_without_a_line_break_and_an_open_quote_is_rejected_and_counted(string last)
    {
        string csv = File(3) + last;

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv);

        Assert.Equal(3, clues.Count);
        Assert.Equal((4L, 1L), (summary.RecordsRead, summary.RecordsRejected));
        RecordRejection rejection = Assert.Single(summary.Rejections);
        Assert.Equal((5L, DiagnosticIds.MalformedRecord), (rejection.Line, rejection.Code));
        Assert.Contains("does not close", rejection.Message, StringComparison.Ordinal);
        Assert.Equal(new LineAccount(5, 1, 4, 0), summary.LinesPerDataset["judgments"]);
    }

    [Fact]
    public async Task A_header_with_a_quoted_line_break_is_accounted_as_header_lines()
    {
        // An extra column the schema does not read, whose quoted name holds a line break.
        string csv = Header + ",\"no\nte\"\n" + Row(1) + ",\n" + Row(2) + ",\n";

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv);

        Assert.Equal(2, clues.Count);
        Assert.Equal(new LineAccount(4, 2, 2, 0), summary.LinesPerDataset["judgments"]);
    }

    [Fact]
    public async Task Blank_lines_between_and_after_the_records_are_counted_as_blank_not_rejected()
    {
        // An export's last line left empty, a gap between parts, a line of spaces, Windows line breaks.
        string csv = Header + "\r\n" + Row(1) + "\r\n\r\n   \r\n" + Row(2) + "\r\n\r\n";

        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(csv);

        Assert.Equal(2, clues.Count);
        Assert.Equal((2L, 0L), (summary.RecordsRead, summary.RecordsRejected));
        Assert.Equal(new LineAccount(6, 1, 2, 3), summary.LinesPerDataset["judgments"]);
    }

    [Theory]
    [InlineData("\n", "The first line of the file is blank")]
    [InlineData("某某法院民事案件清单\n", "The first line has none of them, in 1 column(s) split at ','")]
    public async Task A_header_that_is_not_the_first_line_is_refused_saying_why_without_showing_the_line(string above, string why)
    {
        RecordSourceException error = await Assert.ThrowsAsync<RecordSourceException>(() => RunAsync(above + File(2)));

        Assert.Equal(DiagnosticIds.MissingColumn, error.Code);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("某某法院", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_a_warning_not_a_missing_column()
    {
        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await RunAsync(string.Empty);

        Assert.Empty(clues);
        Assert.Equal(DiagnosticIds.NoRecords, Assert.Single(summary.Rejections).Code);
    }

    [Fact]
    public async Task A_source_whose_every_record_is_rejected_stops_the_run_whatever_the_policy()
    {
        // A semicolon-separated export read as comma-separated: every row has one field.
        string csv = Header.Replace(',', ';') + "\n" + string.Join("\n", Enumerable.Range(1, 10).Select(i => Row(i).Replace(',', ';')));

        RecordSourceException error = await Assert.ThrowsAsync<RecordSourceException>(
            () => TestRules.Build(TestRules.Rule("amount > 0")).RunAsync(TestRules.Csv(csv, options: new CsvSourceOptions()), new CollectingSink(), new RunOptions { BadRecords = BadRecordPolicy.Skip }));

        Assert.Equal(DiagnosticIds.MissingColumn, error.Code);

        string rows = File(10, _ => "A1,盗窃罪,,,,not-a-number,,,,,");
        RecordSourceException all = await Assert.ThrowsAsync<RecordSourceException>(
            () => TestRules.Build(TestRules.Rule("amount > 0")).RunAsync(TestRules.Csv(rows), new CollectingSink(), new RunOptions { BadRecords = BadRecordPolicy.Skip }));
        Assert.Equal(DiagnosticIds.AllRecordsRejected, all.Code);
        Assert.Contains("10 of 10", all.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-number", all.Message, StringComparison.Ordinal);
    }
}
