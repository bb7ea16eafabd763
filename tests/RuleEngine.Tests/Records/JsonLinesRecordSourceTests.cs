using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

public class JsonLinesRecordSourceTests
{
    private static readonly DatasetSchema Judgments = DatasetSchema.Create("judgments")
        .Add("case_no", FieldType.CaseNo, source: "caseNo")
        .Add("person_id", FieldType.IdNumber, source: "defendant.id")
        .Add("months", FieldType.Int, source: "meta.term_of_imprisonment.imprisonment")
        .Add("death", FieldType.Bool, source: "meta.term_of_imprisonment.death_penalty")
        .Add("fine", FieldType.Decimal, source: "meta.punish_of_money")
        .Add("bac", FieldType.Double)
        .Add("charges", FieldType.StringArray, source: "meta.accusation")
        .Add("articles", FieldType.StringArray, source: "meta.relevant_articles")
        .Add("effective_date", FieldType.Date)
        .Build();

    [Fact]
    public async Task Read_NestedObjectAndArrays_FillsFieldsByDottedPath()
    {
        string line = """{"caseNo":"(2018)鄂0112刑初298号","fact":"…","defendant":{"id":"130503670401001","name":"张某"},"meta":{"relevant_articles":[133,234],"accusation":["危险驾驶"],"punish_of_money":2000,"term_of_imprisonment":{"death_penalty":false,"imprisonment":2,"life_imprisonment":false}},"bac":156.41,"effective_date":"2018-05-12"}""";
        var (records, rejections) = await Read(line + "\n");
        Assert.Empty(rejections);
        Dictionary<string, object?> row = Assert.Single(records);
        Assert.Equal("（2018）鄂0112刑初298号", row["case_no"]);
        Assert.Equal("130503196704010016", row["person_id"]);
        Assert.Equal(2, row["months"]);
        Assert.Equal(false, row["death"]);
        Assert.Equal(2000m, row["fine"]);
        Assert.Equal(156.41, row["bac"]);
        Assert.Equal(new[] { "危险驾驶" }, row["charges"]);
        Assert.Equal(new[] { "133", "234" }, row["articles"]);
        Assert.Equal(new DateOnly(2018, 5, 12), row["effective_date"]);
    }

    [Fact]
    public async Task InARun_LinesParsedByTheWorkers_AreRejectedAndMatchedInInputOrder()
    {
        // A run's reader only splits lines; its workers parse them, in parallel, each with buffers of its own.
        var text = new StringBuilder();
        for (int i = 1; i <= 3000; i++)
        {
            text.Append(i % 1000 == 7 ? "{\"months\": 3" : i % 1000 == 9 ? "{\"meta\":{\"term_of_imprisonment\":{\"imprisonment\":\"three\"}}}" : $"{{\"caseNo\":\"(2024)浙0106刑初{i}号\",\"meta\":{{\"term_of_imprisonment\":{{\"imprisonment\":{i % 400}}},\"accusation\":[\"危险驾驶\",\"C{i % 3}\"]}}}}").Append('\n');
        }

        RuleSet rules = new RuleSetBuilder().AddDataset(Judgments).AddRule(new RuleDefinition("R", "judgments", "months = 0 AND array_contains(charges, 'C1')")).Build();
        var sink = new CollectingSink();

        RunSummary summary = await rules.RunAsync(RecordSource.JsonLines(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), Judgments), sink, new RunOptions { MaxDegreeOfParallelism = 2, BatchSize = 64 });

        Assert.Equal([(DiagnosticIds.MalformedRecord, 7L), (DiagnosticIds.InvalidValue, 9L), (DiagnosticIds.MalformedRecord, 1007L), (DiagnosticIds.InvalidValue, 1009L), (DiagnosticIds.MalformedRecord, 2007L), (DiagnosticIds.InvalidValue, 2009L)], summary.Rejections.Select(r => (r.Code, r.Line)));
        Assert.Equal([400L, 1600, 2800], sink.Clues.Select(c => c.Line));
    }

    [Fact]
    public async Task Read_AbsentAndNullFields_AreNull()
    {
        var (records, _) = await Read("""{"caseNo":"A1","bac":null}""" + "\n");
        Dictionary<string, object?> row = Assert.Single(records);
        Assert.Null(row["bac"]);
        Assert.Null(row["months"]);
        Assert.Null(row["charges"]);
    }

    [Fact]
    public async Task Read_RecordsAfterAFullRecord_DoNotKeepItsValues()
    {
        var (records, _) = await Read("""{"caseNo":"A1","bac":99.5}""" + "\n" + """{"caseNo":"A2"}""" + "\n");
        Assert.Null(records[1]["bac"]);
    }

    [Fact]
    public async Task Read_TruncatedLine_RejectsItAndGoesOn()
    {
        string text = """{"caseNo":"A1"}""" + "\n" + """{"caseNo":"(2024)京0105刑初12""" + "\n" + """{"caseNo":"A3"}""" + "\n";
        var (records, rejections) = await Read(text);
        Assert.Equal((DiagnosticIds.MalformedRecord, 2L), (rejections[0].Code, rejections[0].Line));
        Assert.Equal(["A1", "A3"], records.Select(r => (string)r["case_no"]!));
        Assert.Equal(3L, records[1]["$line"]);
    }

    [Theory]
    [InlineData("[1,2]", DiagnosticIds.MalformedRecord)]
    [InlineData("{\"caseNo\":\"A\"} trailing", DiagnosticIds.MalformedRecord)]
    [InlineData("{\"caseNo\":\"A\",\"caseNo\":\"B\"}", DiagnosticIds.MalformedRecord)]
    [InlineData("{\"meta\":{\"term_of_imprisonment\":{\"imprisonment\":\"six\"}}}", DiagnosticIds.InvalidValue)]
    [InlineData("{\"meta\":{\"term_of_imprisonment\":{\"imprisonment\":1.5}}}", DiagnosticIds.InvalidValue)]
    [InlineData("{\"meta\":{\"term_of_imprisonment\":{\"imprisonment\":99999999999}}}", DiagnosticIds.ValueOutOfRange)]
    [InlineData("{\"bac\":1e400}", DiagnosticIds.ValueOutOfRange)]
    [InlineData("{\"meta\":{\"punish_of_money\":99999999999999999999999999999999}}", DiagnosticIds.ValueOutOfRange)]
    [InlineData("{\"bac\":{\"value\":1}}", DiagnosticIds.InvalidValue)]
    [InlineData("{\"effective_date\":\"2024-02-30\"}", DiagnosticIds.InvalidValue)]
    [InlineData("{\"caseNo\":[{\"a\":1}]}", DiagnosticIds.InvalidValue)]
    public async Task Read_BadRecord_RejectsItWithItsCode(string line, string code)
    {
        var (records, rejections) = await Read("{}\n" + line + "\n{}\n");
        RecordRejection rejection = Assert.Single(rejections);
        Assert.Equal((code, 2L), (rejection.Code, rejection.Line));
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task Read_DeepNesting_RejectsWithNestingTooDeep()
    {
        string deep = string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000);
        var (_, rejections) = await Read(deep + "\n");
        Assert.Equal(DiagnosticIds.NestingTooDeep, Assert.Single(rejections).Code);
    }

    [Fact]
    public async Task Read_LineOverTheLimit_IsRejectedAndTheNextLineIsRead()
    {
        string big = "{\"caseNo\":\"" + new string('x', 5000) + "\"}";
        var source = RecordSource.JsonLines(new MemoryStream(Encoding.UTF8.GetBytes(big + "\n{\"caseNo\":\"A2\"}\n")), Judgments, new JsonLinesSourceOptions { MaxRecordBytes = 1024 });
        var (records, rejections) = await SourceReader.ReadAllAsync(source);
        Assert.Equal((DiagnosticIds.RecordTooLarge, 1L), (rejections[0].Code, rejections[0].Line));
        Assert.Equal("A2", Assert.Single(records)["case_no"]);
        Assert.Equal(2L, records[0]["$line"]);
    }

    [Fact]
    public async Task Read_InvalidUtf8InAString_OfAFileDeclaredUtf8_RejectsOnlyThatRecord()
    {
        // Undeclared, such a file is detected as GB18030 (as CSV is); declared UTF-8, the bad bytes reject their record.
        byte[] bytes = [.. "{\"caseNo\":\"A1\"}\n{\"caseNo\":\""u8, 0xC3, 0x28, .. "\"}\n{\"caseNo\":\"A3\"}\n"u8];
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.JsonLines(new MemoryStream(bytes), Judgments, new JsonLinesSourceOptions { Encoding = new System.Text.UTF8Encoding(false) }));
        Assert.Equal(2L, Assert.Single(rejections).Line);
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task Read_BomCrLfAndBlankLines_AreHandled()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "{\"caseNo\":\"A1\"}\r\n\r\n   \n{\"caseNo\":\"A2\"}"u8];
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.JsonLines(new MemoryStream(bytes), Judgments));
        Assert.Empty(rejections);
        Assert.Equal([1L, 4L], records.Select(r => (long)r["$line"]!));
    }

    [Fact]
    public async Task Read_NumbersIntoTextFields_KeepTheirDigits()
    {
        var (records, _) = await Read("{\"defendant\":{\"id\":110105194912310021}}\n");
        Assert.Equal("110105194912310021", records[0]["person_id"]);
    }

    private static Task<(List<Dictionary<string, object?>> Records, List<RecordRejection> Rejections)> Read(string text) =>
        SourceReader.ReadAllAsync(RecordSource.JsonLines(new MemoryStream(Encoding.UTF8.GetBytes(text)), Judgments));
}
