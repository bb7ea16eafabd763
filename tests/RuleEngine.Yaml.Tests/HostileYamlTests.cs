using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Reading;
using RuleEngine.Yaml.Tests.Support;

namespace RuleEngine.Yaml.Tests;

/// <summary>The Y-series of shared/docs/hostile-inputs.md: each hostile file gives its diagnostic and the process survives.</summary>
public class HostileYamlTests
{
    [Fact]
    public void Y01_AliasBomb_IsRejectedAtTheFirstAnchor()
    {
        var yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char previous = 'a';
        foreach (char level in "bcdefghij")
        {
            yaml.Append(level).Append(": &").Append(level).Append(" [").Append(string.Join(",", Enumerable.Repeat("*" + previous, 9))).Append("]\n");
            previous = level;
        }

        DiagnosticAssert.Only(ModelFolder.Read(yaml.ToString()), ModelDiagnosticIds.AliasesNotAllowed, 1, 4);
    }

    [Fact]
    public void Y02_SelfReferencingAlias_IsRejected() =>
        DiagnosticAssert.Only(ModelFolder.Read("rules: &r [ {id: x, any: *r} ]\n"), ModelDiagnosticIds.AliasesNotAllowed, 1, 8);

    [Theory]
    [InlineData("[")]
    [InlineData("{a: ")]
    public void Y03_HundredThousandNestedFlowCollections_ReportNestingTooDeep(string opener)
    {
        string yaml = "rules: " + string.Concat(Enumerable.Repeat(opener, 100_000));
        IReadOnlyList<Diagnostic> diagnostics = OnSmallStack(() => ModelFolder.Read(yaml, YamlLimits.Default with { MaxFileBytes = 10_000_000 }));
        Assert.Equal(ModelDiagnosticIds.NestingTooDeep, Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Y03_DeepBlockIndentation_ReportsNestingTooDeep()
    {
        var yaml = new StringBuilder();
        for (int i = 0; i < 2_000; i++)
        {
            yaml.Append(new string(' ', i)).Append("a:\n");
        }

        yaml.Append(new string(' ', 2_000)).Append("x\n");
        IReadOnlyList<Diagnostic> diagnostics = OnSmallStack(() => ModelFolder.Read(yaml.ToString(), YamlLimits.Default with { MaxFileBytes = 10_000_000 }));
        Assert.Equal(ModelDiagnosticIds.NestingTooDeep, Assert.Single(diagnostics).Id);
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(65, true)]
    public void Y03_NestingAtTheLimit_IsAcceptedAndOneMoreIsNot(int depth, bool rejected)
    {
        string yaml = new string('[', depth) + new string(']', depth);
        IReadOnlyList<Diagnostic> diagnostics = ModelFolder.Read(yaml);
        Assert.Equal(rejected, diagnostics.Any(d => d.Id == ModelDiagnosticIds.NestingTooDeep));
    }

    [Fact]
    public void Y04_MergeKeyBomb_IsRejected()
    {
        var yaml = new StringBuilder("b0: &L0 {k0: v}\n");
        for (int i = 1; i <= 18; i++)
        {
            yaml.Append($"b{i}: &L{i} {{<<: [*L{i - 1}, *L{i - 1}], k{i}: v}}\n");
        }

        Assert.Equal(ModelDiagnosticIds.AliasesNotAllowed, ModelFolder.Read(yaml.ToString())[0].Id);
    }

    [Fact]
    public void Y04_MergeKeyWithoutAliases_IsRejected() =>
        DiagnosticAssert.Only(ModelFolder.Read("id: M1\n<<: {version: '1'}\n"), ModelDiagnosticIds.MergeKeysNotAllowed, 2, 1);

    [Fact]
    public void Y05_FileOverTheSizeLimit_IsRejectedBeforeReading()
    {
        using var folder = new ModelFolder();
        folder.Write("m.yaml", Encoding.UTF8.GetBytes("name: " + new string('a', 2 * 1024 * 1024)));
        Diagnostic diagnostic = Assert.Single(folder.Load().Diagnostics);
        Assert.Equal((ModelDiagnosticIds.DocumentTooLarge, 1, 1), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Fact]
    public void Y05_ScalarOverTheLimit_ReportsScalarTooLong() =>
        DiagnosticAssert.Only(ModelFolder.Read("id: M1\nname: " + new string('a', 70_000) + "\n"), ModelDiagnosticIds.ScalarTooLong, 2, 7);

    [Fact]
    public void Y06_WideMapping_ReportsDocumentTooLarge()
    {
        string yaml = string.Concat(Enumerable.Range(0, 120_000).Select(i => $"k{i}: 0\n"));
        Assert.Equal(ModelDiagnosticIds.DocumentTooLarge, Assert.Single(ModelFolder.Read(yaml, YamlLimits.Default with { MaxFileBytes = 10_000_000 })).Id);
    }

    [Fact]
    public void Y07_DuplicateKeyQuotedOrNot_NamesBothLines()
    {
        string yaml = "rules:\n  - id: overdue-detention\n    threshold: 5\n    'threshold': 500\n";
        Diagnostic diagnostic = DiagnosticAssert.Only(ModelFolder.Read(yaml), ModelDiagnosticIds.DuplicateKey, 4, 5);
        Assert.Contains("lines 3 and 4", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Y07_TwoModelsWithOneId_ReportDuplicateId()
    {
        string model = "id: M1\nversion: '1'\nname: 模型\nfrom: cases\nwhen: amount > 1\n";
        using var folder = new ModelFolder(("datasets/cases.yaml", ModelFolder.Cases), ("a.yaml", model), ("b.yaml", model));
        DiagnosticAssert.Has(folder.Load().Diagnostics, ModelDiagnosticIds.DuplicateId, 1, 5, "b.yaml");
    }

    [Theory]
    [InlineData("~")]
    [InlineData("NO")]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("'true'")]
    public void Y08_YamlOneOneBooleans_AreNotBooleans(string value)
    {
        string dataset = $"dataset: cases\nfields:\n  - name: amount\n    type: decimal\n    required: {value}\n";
        Diagnostic diagnostic = DiagnosticAssert.Only(ModelFolder.LoadModel(Model(), dataset).Diagnostics, ModelDiagnosticIds.WrongValueType, 5, 15, "cases.yaml");
        Assert.Contains("true or false", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Y09_OctalLookingTextStaysText_AndExponentIsNotAnInteger()
    {
        string model = Model(parameters: "parameters:\n  court_code: {type: string, default: 010, justification: x}\n  limit: {type: int, default: 1e3, justification: x}\n");
        ModelSet models = ModelFolder.LoadModel(model);
        DiagnosticAssert.Only(models.Diagnostics, ModelDiagnosticIds.WrongValueType, 8, 31);
        Assert.Equal("010", models.Models[0].Parameters.Single(p => p.Name == "court_code").Default);
    }

    [Theory]
    [InlineData("2024-02-30")]
    [InlineData("2024-1-5")]
    [InlineData("12/01/2024")]
    public void Y10_AmbiguousOrImpossibleDates_AreRejected(string date)
    {
        string model = Model(parameters: $"parameters:\n  since: {{type: date, default: {date}, justification: x}}\n");
        Diagnostic diagnostic = DiagnosticAssert.Only(ModelFolder.LoadModel(model).Diagnostics, ModelDiagnosticIds.WrongValueType, 7, 32);
        Assert.Contains("yyyy-MM-dd", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x: !System.IO.FileInfo /etc/passwd")]
    [InlineData("x: !!python/object:os.system x")]
    [InlineData("x: !<tag:yaml.org,2002:binary> aGk=")]
    public void Y11_ExplicitTags_AreRejected(string line) =>
        DiagnosticAssert.Only(ModelFolder.Read("id: M1\n" + line + "\n"), ModelDiagnosticIds.TagNotAllowed, 2, 4);

    [Fact]
    public void Y12_MisspeltKey_SuggestsTheKnownOne()
    {
        Diagnostic diagnostic = DiagnosticAssert.Only(ModelFolder.LoadModel(Model() + "descripton: x\n").Diagnostics, ModelDiagnosticIds.UnknownKey, 6, 1);
        Assert.Equal("Did you mean 'description'?", diagnostic.Hint);
    }

    [Theory]
    [InlineData('\u202E')]
    [InlineData('\u200B')]
    [InlineData('\uFEFF')]
    public void Y13_InvisibleOrBidiCharacter_IsReportedWhereItStands(char character) =>
        DiagnosticAssert.Has(ModelFolder.Read($"id: M{character}1\n"), ModelDiagnosticIds.ForbiddenCharacter, 1, 6);

    [Fact]
    public void Y13_KeyWithCyrillicLookAlike_IsForbidden() =>
        DiagnosticAssert.Only(ModelFolder.LoadModel(Model() + "n\u0430me_extra: x\n").Diagnostics, ModelDiagnosticIds.ForbiddenCharacter, 6, 1);

    [Theory]
    [InlineData("id: M1\n---\nid: M2\n", 2)]
    [InlineData("---\nid: M1\n...\n---\nid: M2\n", 4)]
    public void Y14_SecondDocument_IsRejected(string yaml, int line) =>
        DiagnosticAssert.Only(ModelFolder.Read(yaml), ModelDiagnosticIds.SingleDocumentExpected, line, 1);

    [Fact]
    public void Y17_TabIndentation_PointsAtTheTab() =>
        DiagnosticAssert.Only(ModelFolder.Read("id: M1\nrules:\n\t- id: x\n"), ModelDiagnosticIds.SyntaxError, 3, 1);

    [Fact]
    public void Y17_UnterminatedQuote_IsASyntaxErrorAtTheQuote() =>
        DiagnosticAssert.Only(ModelFolder.Read("id: M1\nname: 'unterminated\nversion: 1\n"), ModelDiagnosticIds.SyntaxError, 2, 7);

    [Fact]
    public void Y17_OverlongImplicitKey_IsASyntaxError() =>
        Assert.Equal(ModelDiagnosticIds.SyntaxError, Assert.Single(ModelFolder.Read("? " + new string('k', 100) + "\n" + new string('k', 2_000) + ": v\n")).Id);

    [Fact]
    public void Y18_EmptyFileAndBomOnly_ReportEmptyFile()
    {
        DiagnosticAssert.Only(ModelFolder.Read([]), ModelDiagnosticIds.EmptyFile, 1, 1);
        DiagnosticAssert.Only(ModelFolder.Read([0xEF, 0xBB, 0xBF]), ModelDiagnosticIds.EmptyFile, 1, 1);
        DiagnosticAssert.Only(ModelFolder.Read("# only a comment\n"), ModelDiagnosticIds.EmptyFile, 1, 1);
    }

    [Fact]
    public void Y18_Utf16AndLatin1_ReportEncodingNotUtf8()
    {
        DiagnosticAssert.Only(ModelFolder.Read([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("id: M1\n")]), ModelDiagnosticIds.EncodingNotUtf8, 1, 1);
        DiagnosticAssert.Only(ModelFolder.Read([.. "id: M1\nname: "u8, 0xE9, 0x74, 0xE9, (byte)'\n']), ModelDiagnosticIds.EncodingNotUtf8, 2, 1);
    }

    [Fact]
    public void NulAndControlCharacters_AreForbidden() =>
        DiagnosticAssert.Has(ModelFolder.Read("id: M1\nname: a\u0000b\n"), ModelDiagnosticIds.ForbiddenCharacter, 2, 8);

    internal static string Model(string parameters = "") =>
        "id: M1\nversion: '1'\nname: 模型\nfrom: cases\nwhen: amount > 1\n" + parameters;

    private static T OnSmallStack<T>(Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("The action failed on a small stack.", failure);
    }
}
