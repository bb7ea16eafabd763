using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;
using Record = RuleEngine.Records.Record;

namespace RuleEngine.Tests.Execution;

public class RuleSetBuilderTests
{
    [Fact]
    public void Build_ManyBrokenRules_ThrowsOnceWithEveryDiagnostic()
    {
        var builder = new RuleSetBuilder().AddDataset(TestRules.Judgments)
            .AddRule(TestRules.Rule("amout > 1", "A"))
            .AddRule(TestRules.Rule("amount > 1", "A"))
            .AddRule(new RuleDefinition("B", "judgment", "amount > 1"))
            .AddRule(new RuleDefinition(" ", "judgments", "amount > 1"))
            .AddRule(TestRules.Rule("amount >", "C"));

        var error = Assert.Throws<RuleCompilationException>(builder.Build);

        Assert.Equal(
            [DiagnosticIds.UnknownField, DiagnosticIds.DuplicateRuleId, DiagnosticIds.UnknownDataset, DiagnosticIds.InvalidRule, DiagnosticIds.UnexpectedToken],
            error.Diagnostics.Select(d => d.Id));
        Assert.Equal("Did you mean 'judgments'?", error.Diagnostics[2].Hint);
        Assert.Equal(error.Diagnostics, builder.Validate());
        Assert.Contains("5 error(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ConditionLocatedInAFile_ReportsFileLineAndColumn()
    {
        var rule = TestRules.Rule("cause = '盗窃罪'\n  AND amout >= 1000") with { ConditionSource = SourceMap.StartingAt(SourceLocation.At("models/m12.yaml", 14, 11)) };
        var error = Assert.Throws<RuleCompilationException>(() => TestRules.Build(rule));
        Assert.Equal("models/m12.yaml(15,7): error RE2001: Dataset 'judgments' has no field 'amout'. Did you mean 'amount'?", Assert.Single(error.Diagnostics).ToString());
    }

    [Fact]
    public void Build_ClueSpecNamingUnknownFields_ReportsEach()
    {
        var rule = TestRules.Rule("amount > 1") with
        {
            Location = SourceLocation.At("m.yaml", 3, 5),
            Clue = new ClueSpec { SubjectKey = ["plaintif_id"], Evidence = ["amount", "cuase"], Title = "{case_no} {nope}" },
        };
        var error = Assert.Throws<RuleCompilationException>(() => TestRules.Build(rule));
        Assert.Equal(3, error.Diagnostics.Count);
        Assert.All(error.Diagnostics, d => Assert.Equal((DiagnosticIds.UnknownField, 3, 5), (d.Id, d.Location.Line, d.Location.Column)));
        Assert.Equal("Did you mean 'plaintiff_id'?", error.Diagnostics[0].Hint);
    }

    [Fact]
    public void Build_DatasetWithoutKey_WarnsAndStillBuilds()
    {
        DatasetSchema schema = DatasetSchema.Create("penalties").Add("fine", FieldType.Decimal).Build();
        RuleSet rules = TestRules.Build(schema, new RuleDefinition("P1", "penalties", "fine > 0"));
        Diagnostic warning = Assert.Single(rules.Diagnostics);
        Assert.Equal((DiagnosticIds.NoSubjectKey, DiagnosticSeverity.Warning), (warning.Id, warning.Severity));
    }

    /// <summary>A condition no record can make TRUE builds, with a warning naming the rule and the field; one that a single value passes does not warn.</summary>
    [Theory]
    [InlineData("amount >= 5000 AND amount < 1000", "amount")]
    [InlineData("amount > 1000 AND amount <= 1000", "amount")]
    [InlineData("cause = '盗窃罪' AND months > 2 AND cause IN ('民间借贷纠纷', '借款合同纠纷')", "cause")]
    [InlineData("months IN (1, 2) AND months NOT IN (2, 1)", "months")]
    [InlineData("filing_date >= DATE '2024-08-25' AND filing_date < DATE '2020-10-28'", "filing_date")]
    [InlineData("amount >= 1000 AND amount <= 1000", null)]
    [InlineData("cause IN ('盗窃罪', '危险驾驶罪') AND cause <> '盗窃罪'", null)]
    [InlineData("(amount >= 5000 OR months > 2) AND amount < 1000", null)]
    public void Build_ConditionNoRecordCanMakeTrue_Warns(string condition, string? field)
    {
        RuleSet rules = TestRules.Build(TestRules.Rule(condition, "NEVER"));
        Diagnostic[] warnings = [.. rules.Diagnostics.Where(d => d.Id == DiagnosticIds.NeverTrue)];
        if (field is null)
        {
            Assert.Empty(warnings);
            return;
        }

        Diagnostic warning = Assert.Single(warnings);
        Assert.Equal((DiagnosticSeverity.Warning, "NEVER"), (warning.Severity, warning.RuleId));
        Assert.Contains($"field '{field}'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AliasQualifiedFields_Resolve()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("j.amount > 1 AND judgments.cause = 'x'") with { Alias = "j" });
        Assert.Single(rules.Rules);
    }

    /// <summary>A clue may name the rule's own fields as its condition does, qualified by the alias or the dataset's name; the evidence is named by the field.</summary>
    [Fact]
    public async Task Build_ClueNamingOwnFieldsByAlias_ResolvesThemAsTheRulesOwn()
    {
        var rule = TestRules.Rule("j.amount > 1") with
        {
            Alias = "j",
            Clue = new ClueSpec { SubjectKey = ["j.plaintiff_id"], Evidence = ["j.case_no", "judgments.amount"], Title = "{j.case_no}" },
        };
        (List<Clue> clues, _) = await TestRules.RunAsync(TestRules.Build(rule), TestRules.Csv("case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n（2024）京0105民初1号,,11010519491231002X,,,5,,,,,\n"), new RunOptions { RevealPersonalData = true });
        Clue clue = Assert.Single(clues);
        Assert.Equal(("11010519491231002X", "（2024）京0105民初1号"), (clue.SubjectKey, clue.Title));
        Assert.Equal(["case_no", "amount"], clue.Evidence.Select(e => e.Field));
    }

    [Fact]
    public void SchemaBuilder_DuplicateFieldAndUnknownKey_ReportInvalidSchema()
    {
        var error = Assert.Throws<RuleCompilationException>(() => DatasetSchema.Create("x").Add("a", FieldType.Int).Add("a", FieldType.Long).Key("b").Build());
        Assert.Equal([DiagnosticIds.InvalidSchema, DiagnosticIds.InvalidSchema], error.Diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void SchemaBuilder_StatisticsThatDoNotFitTheirField_ReportInvalidSchemaNamingTheField()
    {
        FieldDefinition Declared(string name, FieldType type, FieldStatistics statistics) => new(name, type) { Statistics = statistics };
        var error = Assert.Throws<RuleCompilationException>(() => DatasetSchema.Create("x")
            .Add(Declared("cause", FieldType.String, new FieldStatistics { Common = new Dictionary<string, double> { ["盗窃"] = 0.8, ["诈骗"] = 0.4 } }))
            .Add(Declared("region", FieldType.String, new FieldStatistics { Bounds = ["330100", "330200"] }))
            .Add(Declared("filed", FieldType.Date, new FieldStatistics { Bounds = ["2024-01-01", "2023-02-30"] }))
            .Add(Declared("months", FieldType.Int, new FieldStatistics { Distinct = 0, Nulls = 1.5 }))
            .Add(Declared("amount", FieldType.Decimal, new FieldStatistics { Common = new Dictionary<string, double> { ["一千"] = 0.1 }, Bounds = ["0", "100", "50"] }))
            .Build());

        Assert.All(error.Diagnostics, d => Assert.Equal(DiagnosticIds.InvalidSchema, d.Id));
        Assert.Equal(
            ["cause", "region", "filed", "months", "months", "amount", "amount"],
            error.Diagnostics.Select(d => d.Message.Split('\'')[3]));
    }

    [Fact]
    public void SchemaBuilder_StatisticsThatFit_AreKeptOnTheField()
    {
        var statistics = new FieldStatistics { Distinct = 12, Nulls = 0.1, Common = new Dictionary<string, double> { ["2024-03-01"] = 0.2 }, Bounds = ["2024-01-01", "2024-06-30", "2024-12-31"] };
        DatasetSchema schema = DatasetSchema.Create("x").Add(new FieldDefinition("filed", FieldType.Date) { Statistics = statistics }).Build();
        Assert.Same(statistics, schema.Fields[0].Statistics);
    }

    [Fact]
    public void CompiledPredicate_NonMatchingRecords_AllocateNothing()
    {
        var diagnostics = new DiagnosticBag();
        var text = new ExpressionText("cause IN ('盗窃罪', '诈骗罪', '抢劫罪', '抢夺罪', '敲诈勒索罪') AND amount >= 50000 AND days_between(filing_date, DATE '2024-01-01') > 30 AND plaintiff_name LIKE '%某%'", SourceLocation.None);
        SyntaxNode syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default)!;
        var layout = new RecordLayout(TestRules.Judgments);
        BoundExpression bound = new Binder(text, new BindingScope(TestRules.Judgments, ["judgments"]), diagnostics, "R").BindCondition(syntax);
        Func<Record, bool> predicate = new ExpressionCompiler(layout).CompilePredicate(bound);
        Record record = layout.CreateRecord();
        record.SetAllNull();
        record.SetString(1, "盗窃罪");
        record.SetDecimal(0, 60000m);
        record.SetInt64(9, new DateOnly(2024, 1, 20).DayNumber);
        record.SetString(3, "张三");
        Assert.False(predicate(record));

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool any = false;
        for (int i = 0; i < 10_000; i++)
        {
            any |= predicate(record);
        }

        Assert.False(any);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Build_Parameters_BindAsLiteralsAndListsExpandInsideIn()
    {
        var rule = TestRules.Rule("cause IN $causes AND amount >= $threshold AND filing_date >= $since AND NOT default_judgment = $flag") with
        {
            Parameters = new Dictionary<string, object?>
            {
                ["causes"] = new[] { "盗窃罪", "诈骗罪" },
                ["threshold"] = 3000m,
                ["since"] = new DateOnly(2023, 1, 1),
                ["flag"] = true,
            },
        };
        RuleSet rules = TestRules.Build(rule);
        string csv = "case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n"
            + "A1,诈骗罪,,,,3000,,,false,2023-05-01,\n"
            + "A2,抢劫罪,,,,3000,,,false,2023-05-01,\n"
            + "A3,盗窃罪,,,,2999,,,false,2023-05-01,\n";
        var (clues, _) = await TestRules.RunAsync(rules, TestRules.Csv(csv));
        Assert.Equal([2L], clues.Select(c => c.Line));
    }

    [Theory]
    [InlineData("amount >= $treshold", DiagnosticIds.UnknownParameter, 11, "Did you mean '$threshold'?")]
    [InlineData("amount >= $causes", DiagnosticIds.InvalidParameter, 11, "Write x IN $causes.")]
    [InlineData("cause IN $threshold_list", DiagnosticIds.TypeMismatch, 10, null)]
    [InlineData("amount >= $odd", DiagnosticIds.InvalidParameter, 11, null)]
    public void Build_BadParameterUse_ReportsCodeAndColumn(string condition, string code, int column, string? hint)
    {
        var rule = TestRules.Rule(condition) with
        {
            Parameters = new Dictionary<string, object?>
            {
                ["threshold"] = 3000m,
                ["causes"] = new List<string> { "盗窃罪" },
                ["threshold_list"] = new[] { 1L, 2L },
                ["odd"] = Guid.Empty,
            },
        };
        Diagnostic diagnostic = Assert.Single(Assert.Throws<RuleCompilationException>(() => TestRules.Build(rule)).Diagnostics);
        Assert.Equal((code, column), (diagnostic.Id, diagnostic.Location.Column));
        if (hint is not null)
        {
            Assert.Equal(hint, diagnostic.Hint);
        }
    }

    [Fact]
    public void SourceMap_FromPositions_PlacesEachCharacter()
    {
        string condition = "amout > 1";
        var positions = Enumerable.Range(0, condition.Length + 1).Select(i => (Line: 7, Column: 20 + (2 * i))).ToList();
        var rule = TestRules.Rule(condition) with { ConditionSource = SourceMap.FromPositions("m.yaml", positions) };
        Diagnostic diagnostic = Assert.Single(Assert.Throws<RuleCompilationException>(() => TestRules.Build(rule)).Diagnostics);
        Assert.Equal(("m.yaml", 7, 20, 7, 30), (diagnostic.Location.Path, diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.Location.EndLine, diagnostic.Location.EndColumn));
    }
}
