using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

public class CsvRecordSourceTests
{
    private static readonly DatasetSchema Cases = DatasetSchema.Create("cases")
        .Add("case_no", FieldType.CaseNo, source: "案号")
        .Add("person_id", FieldType.IdNumber, source: "公民身份号码")
        .Add("facts", FieldType.String, source: "案情")
        .Add("amount", FieldType.Decimal, source: "金额")
        .Add("months", FieldType.Int, source: "刑期")
        .Add("bac", FieldType.Double, source: "酒精")
        .Add("detained", FieldType.Bool, source: "羁押")
        .Add("effective_date", FieldType.Date, source: "生效日期")
        .Add("filed_at", FieldType.DateTime, source: "立案时间")
        .Add("charges", FieldType.StringArray, source: "罪名")
        .Build();

    private const string Header = "案号,公民身份号码,案情,金额,刑期,酒精,羁押,生效日期,立案时间,罪名\n";

    [Fact]
    public async Task Read_TypedRow_FillsEverySlot()
    {
        string csv = Header + "（2024）京0105刑初12号,11010519491231002x,醉酒驾驶,\"50,000.50\",6,156.41,是,2024-03-18,2024-01-02 08:30:00,危险驾驶罪;妨害公务罪\n";
        var (records, rejections) = await SourceReader.ReadAllAsync(Source(csv));
        Assert.Empty(rejections);
        Dictionary<string, object?> row = Assert.Single(records);
        Assert.Equal("（2024）京0105刑初12号", row["case_no"]);
        Assert.Equal("11010519491231002X", row["person_id"]);
        Assert.Equal(50000.50m, row["amount"]);
        Assert.Equal(6, row["months"]);
        Assert.Equal(156.41, row["bac"]);
        Assert.Equal(true, row["detained"]);
        Assert.Equal(new DateOnly(2024, 3, 18), row["effective_date"]);
        Assert.Equal(new DateTime(2024, 1, 2, 8, 30, 0), row["filed_at"]);
        Assert.Equal(new[] { "危险驾驶罪", "妨害公务罪" }, row["charges"]);
        Assert.Equal(2L, row["$line"]);
    }

    [Fact]
    public async Task Read_QuotedFieldsWithEmbeddedNewlinesAndQuotes_KeepsThemAndTheLineOfEachRecord()
    {
        string csv = Header
            + "A1,,\"第一行\n第二行，\"\"引号\"\"\",1,,,,,,\n"
            + "A2,,普通,2,,,,,,\n";
        var (records, _) = await SourceReader.ReadAllAsync(Source(csv));
        Assert.Equal(2, records.Count);
        Assert.Equal("第一行\n第二行，\"引号\"", records[0]["facts"]);
        Assert.Equal(2L, records[0]["$line"]);
        Assert.Equal(4L, records[1]["$line"]);
    }

    [Fact]
    public async Task Read_EmptyCells_AreNull()
    {
        var (records, _) = await SourceReader.ReadAllAsync(Source(Header + "A1,,,,,,,,,\n"));
        Dictionary<string, object?> row = Assert.Single(records);
        Assert.All(row.Where(kv => kv.Key is not ("$line" or "case_no")), kv => Assert.Null(kv.Value));
    }

    [Fact]
    public async Task Read_Utf8WithBom_ReadsTheFirstHeader()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Header + "A1,,x,1,,,,,,\n")];
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.Csv(new MemoryStream(bytes), Cases));
        Assert.Empty(rejections);
        Assert.Equal("A1", Assert.Single(records)["case_no"]);
    }

    [Fact]
    public async Task Read_Gb18030File_IsDetectedAndDecoded()
    {
        byte[] bytes = TextEncodingDetector.Gb18030.GetBytes(Header + "（2024）京0105刑初12号,,醉酒驾驶，血液酒精含量156mg,1,,,,,,\n");
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.Csv(new MemoryStream(bytes), Cases));
        Assert.Empty(rejections);
        Assert.Equal("醉酒驾驶，血液酒精含量156mg", Assert.Single(records)["facts"]);
    }

    [Fact]
    public async Task Read_DeclaredEncoding_IsUsedWithoutDetection()
    {
        byte[] bytes = TextEncodingDetector.Gb18030.GetBytes(Header + "A1,,盗窃,1,,,,,,\n");
        var source = RecordSource.Csv(new MemoryStream(bytes), Cases, new CsvSourceOptions { Encoding = TextEncodingDetector.Gb18030 });
        var (records, _) = await SourceReader.ReadAllAsync(source);
        Assert.Equal("盗窃", Assert.Single(records)["facts"]);
    }

    [Fact]
    public async Task Read_InvalidUtf8AfterAValidStart_RejectsOnlyThatRecord()
    {
        byte[] start = Encoding.UTF8.GetBytes(Header + "A1,,好,1,,,,,,\n");
        // The filler pushes the bad bytes past the 64 KiB that encoding detection samples.
        byte[] filler = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("A2,,ok,1,,,,,,\n", 5000)));
        byte[] bad = [.. Encoding.UTF8.GetBytes("A3,,"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(",1,,,,,,\nA4,,ok,1,,,,,,\n")];
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.Csv(new MemoryStream([.. start, .. filler, .. bad]), Cases));
        RecordRejection rejection = Assert.Single(rejections);
        Assert.Equal((DiagnosticIds.InvalidEncoding, 5003L, "facts"), (rejection.Code, rejection.Line, rejection.Field));
        Assert.Equal(5002, records.Count);
        Assert.Equal("A4", records[^1]["case_no"]);
    }

    [Fact]
    public async Task Read_Utf8WithADamagedLineNearItsStart_IsStillReadAsUtf8AndRejectsOnlyThatRecord()
    {
        // Detection samples the first 64 KiB: two bad bytes among hundreds of Chinese characters must not turn the
        // whole file into GB18030 (which garbles the header and refuses the file).
        byte[] good = Encoding.UTF8.GetBytes(Header + string.Concat(Enumerable.Range(1, 30).Select(i => $"A{i},,醉酒驾驶，血液酒精含量{100 + i}mg,1,,,,,,\n")));
        byte[] bad = [.. Encoding.UTF8.GetBytes("A31,,刘"), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("强,1,,,,,,\nA32,,追逐竞驶,1,,,,,,\n")];
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.Csv(new MemoryStream([.. good, .. bad]), Cases));
        RecordRejection rejection = Assert.Single(rejections);
        Assert.Equal((DiagnosticIds.InvalidEncoding, 32L, "facts"), (rejection.Code, rejection.Line, rejection.Field));
        Assert.Equal(31, records.Count);
        Assert.Equal("醉酒驾驶，血液酒精含量101mg", records[0]["facts"]);
        Assert.Equal("追逐竞驶", records[^1]["facts"]);
    }

    [Theory]
    [InlineData("盗窃")]
    [InlineData("民间借贷纠纷，原告张伟、王芳诉被告李娜、刘洋、陈静、杨军，判决返还借款本金及利息")]
    public async Task Read_Gb18030File_IsDetectedHoweverLittleChineseItHolds(string facts)
    {
        // GB18030 bytes read as UTF-8 form a valid character now and then; far fewer than they form invalid ones.
        string rows = string.Concat(Enumerable.Range(1, 200).Select(i => $"A{i},,{facts},{i},,,,,,\n"));
        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.Csv(new MemoryStream(TextEncodingDetector.Gb18030.GetBytes(Header + rows)), Cases));
        Assert.Empty(rejections);
        Assert.Equal(200, records.Count);
        Assert.All(records, record => Assert.Equal(facts, record["facts"]));
    }

    [Theory]
    [InlineData("A1,,x,abc,,,,,,", "amount", DiagnosticIds.InvalidValue)]
    [InlineData("A1,,x,1,6.5,,,,,", "months", DiagnosticIds.InvalidValue)]
    [InlineData("A1,,x,1,99999999999,,,,,", "months", DiagnosticIds.ValueOutOfRange)]
    [InlineData("A1,,x,1,,1e400,,,,", "bac", DiagnosticIds.ValueOutOfRange)]
    [InlineData("A1,,x,1,,NaN,,,,", "bac", DiagnosticIds.ValueOutOfRange)]
    [InlineData("A1,,x,1,,,maybe,,,", "detained", DiagnosticIds.InvalidValue)]
    [InlineData("A1,,x,1,,,,2024-02-30,,", "effective_date", DiagnosticIds.InvalidValue)]
    [InlineData("A1,,x,1,,,,0000-00-00,,", "effective_date", DiagnosticIds.InvalidValue)]
    [InlineData("A1,,x,1,,,,2024-13-01,,", "effective_date", DiagnosticIds.InvalidValue)]
    [InlineData("A1,,x,1,,,,,24:61,", "filed_at", DiagnosticIds.InvalidValue)]
    public async Task Read_UnconvertibleValue_RejectsTheRowWithFieldAndCode(string row, string field, string code)
    {
        var (records, rejections) = await SourceReader.ReadAllAsync(Source(Header + "A0,,ok,1,,,,,,\n" + row + "\nA2,,ok,1,,,,,,\n"));
        RecordRejection rejection = Assert.Single(rejections);
        Assert.Equal((code, 3L, field, "cases"), (rejection.Code, rejection.Line, rejection.Field, rejection.Dataset));
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task Read_RejectionMessage_NeverHoldsTheValue()
    {
        var (_, rejections) = await SourceReader.ReadAllAsync(Source(Header + "A1,,x,张三丰13800138000,,,,,,\n"));
        Assert.DoesNotContain("张三丰", rejections[0].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", rejections[0].ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A1,,x,1,,,,,\n")]
    [InlineData("A1,,x,1,,,,,,,extra\n")]
    public async Task Read_WrongFieldCount_RejectsTheRow(string row)
    {
        var (records, rejections) = await SourceReader.ReadAllAsync(Source(Header + row + "A2,,ok,1,,,,,,\n"));
        Assert.Equal((DiagnosticIds.WrongFieldCount, 2L), (rejections[0].Code, rejections[0].Line));
        Assert.Single(records);
    }

    [Fact]
    public async Task Open_MissingColumns_FailsNamingThem()
    {
        var error = await Assert.ThrowsAsync<RecordSourceException>(() => SourceReader.ReadAllAsync(Source("案号,金额\nA1,1\n")));
        Assert.Equal(DiagnosticIds.MissingColumn, error.Code);
        Assert.Contains("'公民身份号码'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'罪名'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_HeaderNamingAColumnTwice_FailsWithACode()
    {
        var error = await Assert.ThrowsAsync<RecordSourceException>(() => SourceReader.ReadAllAsync(Source("案号,金额,案号\nA1,1,A2\n")));

        Assert.Equal(DiagnosticIds.DuplicateColumn, error.Code);
    }

    [Fact]
    public async Task Read_HeaderOnly_GivesNoRecords()
    {
        var (records, rejections) = await SourceReader.ReadAllAsync(Source(Header));
        Assert.Empty(records);
        Assert.Empty(rejections);
    }

    [Fact]
    public async Task Read_ColumnsInAnyOrderWithExtraColumns_MapsByHeader()
    {
        string csv = "罪名,多余,立案时间,生效日期,羁押,酒精,刑期,金额,案情,公民身份号码,案号\n盗窃罪,?,,,,,,3000,facts,,A9\n";
        var (records, _) = await SourceReader.ReadAllAsync(Source(csv));
        Assert.Equal(("A9", 3000m, "facts"), ((string?)records[0]["case_no"], (decimal?)records[0]["amount"], (string?)records[0]["facts"]));
    }

    [Fact]
    public async Task Read_SemicolonSeparatedFile_UsesTheDeclaredSeparator()
    {
        var source = RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(Header.Replace(',', ';') + "A1;;x;1,5;;;;;;\n")), Cases, new CsvSourceOptions { Separator = ';', ArraySeparator = '|' });
        var (records, rejections) = await SourceReader.ReadAllAsync(source);
        Assert.Empty(rejections);
        Assert.Equal(15m, records[0]["amount"]);
    }

    [Fact]
    public async Task Read_FileTwice_ReadsTheSameRecords()
    {
        string path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, Header + "A1,,x,1,,,,,,\n");
        try
        {
            RecordSource source = RecordSource.Csv(path, Cases);
            Assert.Single((await SourceReader.ReadAllAsync(source)).Records);
            Assert.Single((await SourceReader.ReadAllAsync(source)).Records);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static RecordSource Source(string csv) => RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), Cases);
}
