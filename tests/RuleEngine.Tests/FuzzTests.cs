using System.Text;
using System.Text.RegularExpressions;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests;

/// <summary>
/// Bounded, seeded fuzz tests of the condition parser and binder and of the CSV and JSON Lines readers: mutated
/// inputs never throw (beyond the documented <see cref="RecordSourceException"/> for a header the schema cannot
/// use), never hang, and every problem comes back as a coded diagnostic or a counted rejection.
/// </summary>
public sealed partial class FuzzTests
{
    private static readonly string[] Conditions =
    [
        "cause IN ('盗窃罪', '诈骗罪') AND amount >= 50000",
        "id_age_at(plaintiff_id, filing_date) BETWEEN 18 AND 75 OR months > 6",
        "CASE WHEN bac >= 80 THEN 'drunk' ELSE 'no' END = 'drunk' AND NOT default_judgment",
        "plaintiff_name LIKE '张%' AND regexp_like(case_no, '^（20[0-9]{2}）') AND days_between(filing_date, DATE '2024-06-30') > 30",
        "CAST(phone AS INT) % 7 = 3 AND array_length(defendants) >= 2 AND coalesce(amount, 0) / 3 > 1.5",
    ];

    private static readonly string[] Tokens = ["(", ")", "'", "AND", "OR", "NOT", "IN", "BETWEEN", ",", "=", "<>", ">=", "%", "/", "*", "-", "NULL", "IS", "CASE", "WHEN", "END", "$x", "1e309", "9223372036854775808", "''", "--", "\\", "amount", "id_age_at(", "DATE '2024-02-30'", "\u202E", "。"];

    private static readonly string Csv = """
        case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants
        （2024）京0105民初1号,民间借贷纠纷,11010519491231002X,张三,13912345678,90000,12.5,3,true,2024-01-05,甲;乙
        （2024）京0105民初2号,"盗窃罪, 诈骗罪",370101190102039973,"李""四",,100,,0,false,2024-01-06,
        （2024）京0105民初3号,诈骗罪,513101198201130014,王五,13800000000,-5,80,12,,2024-12-31,丙
        """;

    private static readonly string JsonLines = """
        {"case_no":"（2024）京0105民初1号","cause":"民间借贷纠纷","plaintiff_id":"11010519491231002X","amount":90000,"months":3,"default_judgment":true,"filing_date":"2024-01-05","defendants":["甲","乙"]}
        {"case_no":"（2024）京0105民初2号","cause":"盗窃罪","amount":"100","bac":null,"months":0}
        {"case_no":"（2024）京0105民初3号","cause":"诈骗罪","plaintiff_id":"513101198201130014","amount":-5,"bac":80,"filing_date":"2024-12-31"}
        """;

    [Fact]
    public async Task Mutated_conditions_give_coded_diagnostics_and_never_throw()
    {
        var random = new Random(1127);
        for (int i = 0; i < 2000; i++)
        {
            string condition = i % 2 == 0 ? MutateText(Conditions[random.Next(Conditions.Length)], random) : string.Join(' ', Enumerable.Range(0, random.Next(1, 30)).Select(_ => Tokens[random.Next(Tokens.Length)]));
            var builder = new RuleSetBuilder().AddDataset(TestRules.Judgments).AddRule(new RuleDefinition("R", "judgments", condition) { Parameters = new Dictionary<string, object?> { ["x"] = 5L } });
            IReadOnlyList<Diagnostic> diagnostics = await Task.Run(builder.Validate).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.All(diagnostics, d => Assert.Matches(Code(), d.Id));
            if (!diagnostics.Any(d => d.IsError))
            {
                // What validates must also build and run.
                RuleSet rules = builder.Build();
                (_, RunSummary summary) = await TestRules.RunAsync(rules, TestRules.Csv(Csv));
                Assert.Equal(3, summary.RecordsRead);
                Assert.All(summary.Rejections, r => Assert.Matches(Code(), r.Code));
            }
        }
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public async Task Mutated_record_files_are_read_with_every_problem_counted(string format)
    {
        var random = new Random(format == "csv" ? 11 : 13);
        RuleSet rules = TestRules.Build(TestRules.Rule("amount / months > 1 OR id_age_at(plaintiff_id, filing_date) > 18"));
        byte[] original = Encoding.UTF8.GetBytes(format == "csv" ? Csv : JsonLines);
        for (int i = 0; i < 400; i++)
        {
            byte[] mutated = MutateBytes(original, random);
            RecordSource source = format == "csv"
                ? RecordSource.Csv(new MemoryStream(mutated), TestRules.Judgments)
                : RecordSource.JsonLines(new MemoryStream(mutated), TestRules.Judgments);
            try
            {
                (_, RunSummary summary) = await TestRules.RunAsync(rules, source).WaitAsync(TimeSpan.FromSeconds(10));
                Assert.All(summary.Rejections, r => Assert.Matches(Code(), r.Code));
                Assert.True(summary.RecordsRead >= summary.RecordsRejected);
            }
            catch (RecordSourceException e)
            {
                Assert.Matches(Code(), e.Code);
            }
        }
    }

    private static string MutateText(string text, Random random)
    {
        var builder = new StringBuilder(text);
        for (int e = 0, edits = 1 + random.Next(3); e < edits && builder.Length > 0; e++)
        {
            int at = random.Next(builder.Length);
            switch (random.Next(3))
            {
                case 0:
                    builder.Remove(at, Math.Min(builder.Length - at, random.Next(1, 6)));
                    break;
                case 1:
                    builder.Insert(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                default:
                    builder[at] = (char)random.Next(32, 0x9FFF);
                    break;
            }
        }

        return builder.ToString();
    }

    private static byte[] MutateBytes(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        for (int e = 0, edits = 1 + random.Next(4); e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, "\",;{}[]\n\r\0"u8[random.Next(10)]);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 30)));
                    break;
                case 3:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(new string('9', random.Next(1, 400))));
                    break;
                default:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, random.Next(1, 60))));
                    break;
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex("^RE[0-9]{4}$")]
    private static partial Regex Code();
}
