using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Tests.Support;

namespace RuleEngine.Yaml.Tests;

public class ModelCompileAndTestRunnerTests
{
    private const string Theft = """
        id: M12
        version: "1.0.0"
        name: 盗窃以罚代刑
        parameters:
          large_amount:
            type: decimal
            default: 1000
            justification: 两高解释第一条
            regions: {"110000": 2000, "330000": 3000, "330100": 2500, "330106": 2800}
          causes:
            type: string[]
            default: [盗窃]
            justification: 案由
        from: cases
        when: cause IN $causes AND amount >= $large_amount
        clue:
          title: 数额 {amount}
          evidence: [amount, cause, charges, filing_date, detained]
        tests:
          - name: passes
            region: "330106"
            records:
              cases:
                - {person_id: 11010519491231002X, cause: 盗窃, amount: 2800, charges: [盗窃罪, 抢夺罪], filing_date: 2024-01-31, detained: true}
                - {person_id: 370101190102039973, cause: 盗窃, amount: 2799.99}
            expect:
              - subject: 11010519491231002x
                evidence: {amount: 2800.00, charges: [盗窃罪, 抢夺罪], filing_date: 2024-01-31, detained: true}
          - name: fails three ways
            records:
              cases:
                - {person_id: 11010519491231002X, cause: 盗窃, amount: 1500}
                - {person_id: 370101190102039973, cause: 盗窃, amount: 1000}
                - {person_id: 513101198201130014, cause: 盗窃, amount: not-a-number}
            expect:
              - {subject: 11010519491231002X, evidence: {amount: 1499}}
              - {subject: 34052419800101001X}
        """;

    [Theory]
    [InlineData(null, 1000)]
    [InlineData("110105", 2000)]
    [InlineData("330106", 2800)]
    [InlineData("330108", 2500)]
    [InlineData("330282", 3000)]
    [InlineData("440303", 1000)]
    public void ValueFor_Region_TakesCountyThenPrefectureThenProvinceThenDefault(string? region, int expected) =>
        Assert.Equal((decimal)expected, ModelFolder.LoadModel(Theft).Models[0].Parameters[0].ValueFor(region));

    [Fact]
    public async Task Compile_WithRegionAndOverrides_BindsTheirValues()
    {
        ModelSet models = ModelFolder.LoadModel(Theft);
        Assert.False(models.HasErrors, string.Join("\n", models.Diagnostics));
        Assert.Equal([2500m], await AmountsOfClues(models.Compile(new ModelCompileOptions { Region = "110105" }), 1500, 2500));
        Assert.Equal([1500m, 2500m], await AmountsOfClues(models.Compile(), 1500, 2500));
        Assert.Equal([2500m], await AmountsOfClues(models.Compile(new ModelCompileOptions { Parameters = new Dictionary<string, string> { ["large_amount"] = "2000" } }), 1500, 2500));
        Assert.Equal([2500m], await AmountsOfClues(models.Compile(new ModelCompileOptions { Region = "330106", Parameters = new Dictionary<string, string> { ["M12.large_amount"] = "2100" } }), 1500, 2500));
        Assert.Empty(await AmountsOfClues(models.Compile(new ModelCompileOptions { Parameters = new Dictionary<string, string> { ["causes"] = "抢劫, 抢夺" } }), 1500, 2500));
    }

    [Theory]
    [InlineData("large_amount", "lots")]
    [InlineData("large_amuont", "1")]
    public void Compile_BadOverride_ThrowsWithInvalidParameterValue(string name, string value)
    {
        ModelSet models = ModelFolder.LoadModel(Theft);
        var error = Assert.Throws<RuleCompilationException>(() => models.Compile(new ModelCompileOptions { Parameters = new Dictionary<string, string> { [name] = value } }));
        Assert.Equal(ModelDiagnosticIds.InvalidParameterValue, Assert.Single(error.Diagnostics).Id);
    }

    [Fact]
    public void Compile_ModelSetWithErrors_ThrowsWithEveryDiagnostic()
    {
        ModelSet models = ModelFolder.LoadModel("id: M1\nversion: '1'\nname: x\nfrom: cases\nwhen: amout > 1 AND lenght(name) > 1\n");
        var error = Assert.Throws<RuleCompilationException>(() => models.Compile());
        Assert.Equal(2, error.Diagnostics.Count);
    }

    [Fact]
    public void Compile_OnlyTheNamedModels_AndAnUnknownNameIsRefused()
    {
        using var folder = new ModelFolder(
            ("datasets/cases.yaml", ModelFolder.Cases),
            ("a.yaml", "id: M1\nversion: '1'\nname: a\nfrom: cases\nwhen: amount > 1\n"),
            ("b.yaml", "id: M2\nversion: '1'\nname: b\nrules:\n  - {id: R1, from: cases, when: amount > 2}\n  - {id: R2, from: cases, when: amount > 3}\n"),
            ("c.yaml", "id: M3\nversion: '1'\nname: c\nfrom: cases\nwhen: amount > 4\n"));
        ModelSet models = folder.Load();
        Assert.False(models.HasErrors, string.Join("\n", models.Diagnostics));

        RuleSet two = models.Compile(new ModelCompileOptions { Models = ["M1", "M2"] });

        Assert.Equal(["M1", "M2.R1", "M2.R2"], two.Rules.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(4, models.Compile().Rules.Count);
        var error = Assert.Throws<ArgumentException>(() => models.Compile(new ModelCompileOptions { Models = ["M1", "M99"] }));
        Assert.Contains("'M99'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dataset_FreeTextDeclaredPersonalText_ShowsTheTextWithItsIdAndPhoneNumbersMasked()
    {
        const string Dataset = """
            dataset: cases
            fields:
              - {name: case_no, type: string}
              - {name: facts, type: string, personal: text}
            """;
        ModelSet models = ModelFolder.LoadModel("id: M9\nversion: '1'\nname: x\nfrom: cases\nwhen: facts IS NOT NULL\nclue: {evidence: [facts]}\n", Dataset);
        var sink = new Sink();
        var schema = models.Datasets["cases"].Schema;
        await models.Compile().RunAsync(RuleEngine.Records.RecordSource.Csv(new MemoryStream("case_no,facts\nA1,被告人（身份证11010519491231002X，电话13800138000）\n"u8.ToArray()), schema), sink);

        Assert.Equal(RuleEngine.Schema.PersonalDataKind.Text, schema.Fields[1].Personal);
        Assert.Equal("被告人（身份证110105********002X，电话138****8000）", Assert.Single(Assert.Single(sink.Clues).Evidence).Value);
    }

    [Fact]
    public async Task Compile_Clues_CarryModelIdSeverityAndAction()
    {
        ModelSet models = ModelFolder.LoadModel("id: M9\nversion: '3'\nname: x\nfrom: cases\nwhen: amount > 1\nclue: {severity: high, action: 制发检察建议}\n");
        var sink = new Sink();
        await models.Compile().RunAsync(Records(5), sink);
        Clue clue = Assert.Single(sink.Clues);
        Assert.Equal(("M9", "M9", "3", ClueSeverity.High, "制发检察建议"), (clue.ModelId, clue.RuleId, clue.RuleVersion, clue.Severity, clue.Action));
    }

    [Fact]
    public async Task TestRunner_ChecksComputedEvidence_ByTheValueItComputes()
    {
        const string Model = """
            id: M12
            version: "1"
            name: 盗窃以罚代刑
            parameters:
              large_amount: {type: decimal, default: 1000, justification: 两高解释第一条}
            from: cases
            when: amount >= $large_amount
            clue:
              title: 超出 {over} 元
              evidence:
                - amount
                - over: amount - $large_amount
                - filed_month: year_month(filing_date)
            tests:
              - name: passes
                records:
                  cases:
                    - {person_id: 11010519491231002X, amount: 2800.50, filing_date: 2024-01-31}
                expect:
                  - {subject: 11010519491231002X, evidence: {over: 1800.5, filed_month: 2024-01-01}}
              - name: fails
                records:
                  cases:
                    - {person_id: 11010519491231002X, amount: 2800.50, filing_date: 2024-01-31}
                expect:
                  - {subject: 11010519491231002X, evidence: {over: 1800}}
            """;

        ModelTestReport report = await ModelTestRunner.RunAsync(ModelFolder.LoadModel(Model));

        Assert.Equal((1, 1), (report.PassedCount, report.FailedCount));
        Assert.Equal("wrong evidence in clue M12 11010519491231002X: over is 1800.50, expected 1800", Assert.Single(report.Results.Single(r => !r.Passed).Failures));
    }

    [Fact]
    public async Task TestRunner_ReportsPassesAndEveryKindOfFailure()
    {
        ModelTestReport report = await ModelTestRunner.RunAsync(ModelFolder.LoadModel(Theft));
        Assert.Equal((1, 1), (report.PassedCount, report.FailedCount));
        ModelTestResult failed = report.Results.Single(r => !r.Passed);
        Assert.Equal("fails three ways", failed.TestName);
        Assert.Collection(
            failed.Failures,
            f => Assert.StartsWith("record 3 of 'cases' (line 34) was rejected: RE5004", f, StringComparison.Ordinal),
            f => Assert.Equal("wrong evidence in clue M12 11010519491231002X: amount is 1500, expected 1499", f),
            f => Assert.StartsWith("missing clue: rule M12, subject 34052419800101001X (expected at line 37); produced: M12 11010519491231002X; M12 370101190102039973", f, StringComparison.Ordinal),
            f => Assert.Equal("unexpected clue: rule M12, subject 370101190102039973, from record 2 of 'cases' (line 33)", f));
    }

    private const string BadIds = """
        id: M30
        version: "1.0.0"
        name: 身份证号校验
        from: cases
        when: amount > 0
        tests:
          - name: states its warning
            records:
              cases:
                - {person_id: 110105194912310021, cause: 盗窃, amount: 10}
            expect:
              - {subject: ""}
            warnings:
              - {dataset: cases, field: person_id}
          - name: states a warning that does not come
            records:
              cases:
                - {person_id: 11010519491231002X, cause: 盗窃, amount: 10}
            expect:
              - {subject: 11010519491231002X}
            warnings:
              - {dataset: cases, field: person_id, code: RE5012}
          - name: fails and the warning says why
            records:
              cases:
                - {person_id: 110105194912310021, cause: 盗窃, amount: 10}
            expect:
              - {subject: 110105194912310021}
        """;

    [Fact]
    public async Task TestRunner_RecordsWithInvalidIdNumbers_AreAllowedAndTheirWarningsAsserted()
    {
        ModelTestReport report = await ModelTestRunner.RunAsync(ModelFolder.LoadModel(BadIds));

        Assert.Equal([true, false, false], report.Results.Select(r => r.Passed));
        Assert.Equal("missing warning: RE5012 on field 'person_id' of 'cases' (expected at line 22)", Assert.Single(report.Results[1].Failures));
        Assert.Collection(
            report.Results[2].Failures,
            f => Assert.StartsWith("missing clue: rule M30, subject 110105194912310021", f, StringComparison.Ordinal),
            f => Assert.StartsWith("unexpected clue: rule M30, subject , from record 1 of 'cases'", f, StringComparison.Ordinal),
            f => Assert.StartsWith("warning: record 1 of 'cases' (line 26): RE5012: Field 'person_id' is not a valid ID number", f, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeepInvalidIds_MakesTheRuleNameItsSubjectByTheText()
    {
        string model = BadIds.Replace("when: amount > 0", "when: amount > 0\nkeep_invalid_ids: true", StringComparison.Ordinal);
        ModelTestReport report = await ModelTestRunner.RunAsync(ModelFolder.LoadModel(model));

        Assert.Equal([false, false, true], report.Results.Select(r => r.Passed));
    }

    private const string AllowancePayments = """
        dataset: allowance_payments
        key: [person_id]
        fields:
          - {name: person_id, type: id_number}
          - {name: paid_on, type: date}
          - {name: amount, type: decimal}
        """;

    private const string Deaths = """
        dataset: deaths
        key: [person_id]
        fields:
          - {name: person_id, type: id_number}
          - {name: death_date, type: date}
        """;

    [Fact]
    public async Task JoinedWindow_AsDocumented_CountsOnlyPaymentsAfterDeath()
    {
        const string Model = """
            id: M31
            version: "1.0.0"
            name: 死亡后仍领取补贴
            from: allowance_payments
            join:
              - {dataset: deaths, as: d, on: {person_id: person_id}, where: "paid_on > d.death_date"}
            when: amount > 0
            window: {group_by: person_id, over: paid_on, days: 365, having: "count() >= 3"}
            tests:
              - name: three after death, one before
                records:
                  allowance_payments:
                    - {person_id: 11010519491231002X, paid_on: 2024-04-05, amount: 800}
                    - {person_id: 11010519491231002X, paid_on: 2024-01-05, amount: 800}
                    - {person_id: 11010519491231002X, paid_on: 2024-03-05, amount: 800}
                    - {person_id: 11010519491231002X, paid_on: 2024-02-05, amount: 800}
                    - {person_id: 370101190102039973, paid_on: 2024-02-05, amount: 800}
                    - {person_id: 370101190102039973, paid_on: 2024-03-05, amount: 800}
                  deaths:
                    - {person_id: 11010519491231002X, death_date: 2024-01-20}
                    - {person_id: 370101190102039973, death_date: 2024-01-20}
                expect:
                  - {subject: 11010519491231002X, evidence: {"count()": 3}}
            """;
        await AssertModelTestsPass(("datasets/payments.yaml", AllowancePayments), ("datasets/deaths.yaml", Deaths), ("m.yaml", Model));
    }

    [Fact]
    public async Task MonthlyShortfall_AsDocumented_ChainsAnAggregatingJoinIntoRunsOfConsecutiveMonths()
    {
        const string Returns = """
            dataset: tax_returns
            key: [station]
            fields:
              - {name: station, type: credit_code}
              - {name: period, type: year_month, source: 所属期}
              - {name: declared, type: decimal}
            """;
        const string Deliveries = """
            dataset: deliveries
            key: [station]
            fields:
              - {name: station, type: credit_code}
              - {name: delivered_on, type: date}
              - {name: volume, type: decimal}
            """;
        string model = DocumentedModel("id: M20") + """
            tests:
              - name: three short months running, then a gap
                records:
                  tax_returns:
                    - {station: 91370281MA3C0XYZ1K, period: 2024年1月, declared: 700}
                    - {station: 91370281MA3C0XYZ1K, period: 2024-02, declared: 500}
                    - {station: 91370281MA3C0XYZ1K, period: 2024-03, declared: 790}
                    - {station: 91370281MA3C0XYZ1K, period: 2024-04, declared: 900}
                    - {station: 91110108MA01ABCDEF, period: 2024-01, declared: 100}
                    - {station: 91110108MA01ABCDEF, period: 2024-02, declared: 100}
                    - {station: 91110108MA01ABCDEF, period: 2024-04, declared: 100}
                  deliveries:
                    - {station: 91370281MA3C0XYZ1K, delivered_on: 2024-01-03, volume: 600}
                    - {station: 91370281MA3C0XYZ1K, delivered_on: 2024-01-31, volume: 400}
                    - {station: 91370281MA3C0XYZ1K, delivered_on: 2024-02-10, volume: 1000}
                    - {station: 91370281MA3C0XYZ1K, delivered_on: 2024-03-01, volume: 1000}
                    - {station: 91370281MA3C0XYZ1K, delivered_on: 2024-04-01, volume: 1000}
                    - {station: 91110108MA01ABCDEF, delivered_on: 2024-01-05, volume: 1000}
                    - {station: 91110108MA01ABCDEF, delivered_on: 2024-02-05, volume: 1000}
                    - {station: 91110108MA01ABCDEF, delivered_on: 2024-03-05, volume: 1000}
                    - {station: 91110108MA01ABCDEF, delivered_on: 2024-04-05, volume: 1000}
                expect:
                  - {subject: 91370281MA3C0XYZ1K, evidence: {members: 3, episode_start: 2024-01, episode_end: 2024-03}}
            """;
        await AssertModelTestsPass(("datasets/returns.yaml", Returns), ("datasets/deliveries.yaml", Deliveries), ("m.yaml", model));
    }

    /// <summary>Loads a folder of these files without errors and runs its model tests, which must all pass.</summary>
    private static async Task AssertModelTestsPass(params (string Name, string Text)[] files)
    {
        using var folder = new ModelFolder(files);
        ModelSet models = folder.Load();
        Assert.False(models.HasErrors, string.Join("\n", models.Diagnostics));

        ModelTestReport report = await ModelTestRunner.RunAsync(models);

        Assert.True(report.Passed, string.Join("\n", report.Results.SelectMany(r => r.Failures)));
    }

    /// <summary>The YAML of the model that <c>docs/model-format.md</c> shows starting with <paramref name="firstLine"/>.</summary>
    private static string DocumentedModel(string firstLine)
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "model-format.md"));
        int start = docs.IndexOf("```yaml\n" + firstLine + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/model-format.md has no YAML block starting with '{firstLine}'.");
        start += "```yaml\n".Length;
        return docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void RuleThatCannotBeRead_IsReportedOnce_NotAgainByTheTestsThatNameIt()
    {
        const string Model = """
            id: M34
            version: "1.0.0"
            name: 缺少条件
            rules:
              - {id: R1, from: cases}
              - {id: R2, from: cases, when: amount > 1}
            tests:
              - name: t
                records:
                  cases:
                    - {person_id: 11010519491231002X, amount: 5}
                expect:
                  - {rule: R1, subject: 11010519491231002X}
                  - {rule: R2, subject: 11010519491231002X}
            """;

        ModelSet models = ModelFolder.LoadModel(Model);

        Diagnostic error = Assert.Single(models.Diagnostics, d => d.IsError);
        Assert.Equal(ModelDiagnosticIds.MissingKey, error.Id);
        Assert.Contains("'when'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestWithoutRecordsOfAJoinedDataset_RunsItEmpty()
    {
        const string Model = """
            id: M33
            version: "1.0.0"
            name: 死亡未停发
            from: allowance_payments
            join:
              - {dataset: deaths, as: d, kind: not_exists, on: {person_id: person_id}}
            when: amount > 0
            tests:
              - name: no deaths given, so every payment has none
                records:
                  allowance_payments:
                    - {person_id: 11010519491231002X, paid_on: 2024-04-05, amount: 800}
                expect:
                  - {subject: 11010519491231002X}
            """;
        await AssertModelTestsPass(("datasets/payments.yaml", AllowancePayments), ("datasets/deaths.yaml", Deaths), ("m.yaml", Model));
    }

    [Fact]
    public async Task WindowWithoutOver_CountsEachKeyOverTheWholeInput()
    {
        const string Model = """
            id: M32
            version: "1.0.0"
            name: 历史累计
            from: cases
            when: cause = '盗窃'
            window: {group_by: person_id, having: "sum(amount) > 2000 AND count() >= 3"}
            tests:
              - name: years apart still add up
                records:
                  cases:
                    - {person_id: 11010519491231002X, cause: 盗窃, amount: 900, filing_date: 2024-01-01}
                    - {person_id: 370101190102039973, cause: 盗窃, amount: 3000, filing_date: 2024-01-01}
                    - {person_id: 11010519491231002X, cause: 盗窃, amount: 900, filing_date: 2014-01-01}
                    - {person_id: 11010519491231002X, cause: 诈骗, amount: 900, filing_date: 2019-01-01}
                    - {person_id: 11010519491231002X, cause: 盗窃, amount: 900, filing_date: 2004-01-01}
                expect:
                  - {subject: 11010519491231002X, evidence: {"sum(amount)": 2700, members: 3}}
            """;
        ModelTestReport report = await ModelTestRunner.RunAsync(ModelFolder.LoadModel(Model));

        Assert.True(report.Passed, string.Join("\n", report.Results.SelectMany(r => r.Failures)));
    }

    [Fact]
    public void WindowWithOverButNoDays_IsReported()
    {
        ModelSet models = ModelFolder.LoadModel("""
            id: M33
            version: "1.0.0"
            name: 缺少天数
            from: cases
            when: amount > 0
            window: {group_by: person_id, over: filing_date, having: "count() >= 3"}
            """);

        Assert.Contains(models.Diagnostics, d => d.IsError && d.Message.Contains("days", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AggregatingJoin_AsDocumented_GivesOneCluePerClaimWithTheAggregates()
    {
        const string Claims = """
            dataset: medical_claims
            key: [claim_no]
            fields:
              - {name: claim_no, type: string}
              - {name: person_id, type: id_number}
              - {name: claim_date, type: date}
            """;
        const string Accidents = """
            dataset: traffic_accidents
            fields:
              - {name: case_no, type: string}
              - {name: person_id, type: id_number}
              - {name: accident_date, type: date}
            """;
        const string Model = """
            id: M34
            version: "1.0.0"
            name: 医保基金支付交通事故伤害
            from: medical_claims
            join:
              - dataset: traffic_accidents
                as: a
                on: {person_id: person_id}
                where: a.accident_date <= claim_date
                aggregate:
                  accidents: count()
                  nearest_gap: min(days_between(a.accident_date, claim_date))
                  numbers: list(a.case_no)
            when: a.nearest_gap <= 30
            clue:
              title: "{claim_no}：{a.accidents} 起事故"
              evidence: [claim_no, a.accidents, a.nearest_gap, a.numbers]
            tests:
              - name: two accidents, one claim
                records:
                  medical_claims:
                    - {claim_no: C1, person_id: 11010519491231002X, claim_date: 2024-03-01}
                    - {claim_no: C2, person_id: 370101190102039973, claim_date: 2024-03-01}
                  traffic_accidents:
                    - {case_no: A1, person_id: 11010519491231002X, accident_date: 2024-02-20}
                    - {case_no: A2, person_id: 11010519491231002X, accident_date: 2023-12-01}
                    - {case_no: B1, person_id: 370101190102039973, accident_date: 2023-01-01}
                expect:
                  - {subject: C1, evidence: {a.accidents: 2, a.nearest_gap: 10, a.numbers: [A1, A2]}}
            """;
        await AssertModelTestsPass(("datasets/claims.yaml", Claims), ("datasets/accidents.yaml", Accidents), ("m.yaml", Model));
    }

    [Fact]
    public async Task WindowThatDerives_AsDocumented_CountsPerPlaintiffThenTestsWhatWasCounted()
    {
        const string Suits = """
            dataset: lending_suits
            key: [plaintiff_id]
            fields:
              - {name: case_no, type: case_no}
              - {name: cause, type: string}
              - {name: plaintiff_id, type: id_number}
              - {name: plaintiff_name, type: string, personal: name}
              - {name: claim_amount, type: decimal}
              - {name: filing_date, type: date}
              - {name: default_judgment, type: bool}
            """;
        const string Model = """
            id: M01X
            version: "1"
            name: 职业放贷人风险排序
            rules:
              - id: S1
                from: lending_suits
                when: cause IN ('民间借贷纠纷', '借款合同纠纷')
                derive:
                  dataset: loan_suits
                  fields:
                    plaintiff_id: plaintiff_id
                    plaintiff_name: plaintiff_name
                    filing_date: filing_date
                    claim_amount: claim_amount
                    by_default: "CASE WHEN default_judgment THEN 1 ELSE 0 END"
              - id: S2
                from: loan_suits
                when: claim_amount > 0
                window: {group_by: plaintiff_id, over: filing_date, days: 730, having: count() >= 3}
                derive:
                  dataset: lenders
                  fields:
                    plaintiff_id: plaintiff_id
                    plaintiff_name: min(plaintiff_name)
                    suits: count()
                    default_share: round(avg(by_default), 2)
                    total_claims: sum(claim_amount)
              - id: R1
                from: lenders
                when: default_share >= 0.5
                clue:
                  title: 疑似职业放贷人：{plaintiff_name}，{suits} 件，缺席判决占 {default_share}
                  evidence: [suits, default_share, total_claims]
            tests:
              - name: 三件中两件缺席的报；一件缺席的、二年外的不报
                records:
                  lending_suits:
                    - {cause: 民间借贷纠纷, plaintiff_id: 11010519491231002X, plaintiff_name: 周某, claim_amount: 10000, filing_date: 2023-01-01, default_judgment: true}
                    - {cause: 民间借贷纠纷, plaintiff_id: 11010519491231002X, plaintiff_name: 周某, claim_amount: 20000, filing_date: 2023-02-01, default_judgment: true}
                    - {cause: 借款合同纠纷, plaintiff_id: 11010519491231002X, plaintiff_name: 周某, claim_amount: 30000, filing_date: 2024-12-31, default_judgment: false}
                    - {cause: 民间借贷纠纷, plaintiff_id: 370101190102039973, plaintiff_name: 吴某, claim_amount: 10000, filing_date: 2023-01-01, default_judgment: true}
                    - {cause: 民间借贷纠纷, plaintiff_id: 370101190102039973, plaintiff_name: 吴某, claim_amount: 20000, filing_date: 2023-02-01, default_judgment: false}
                    - {cause: 借款合同纠纷, plaintiff_id: 370101190102039973, plaintiff_name: 吴某, claim_amount: 30000, filing_date: 2023-03-01, default_judgment: false}
                    - {cause: 民间借贷纠纷, plaintiff_id: 513101198201130014, plaintiff_name: 郑某, claim_amount: 10000, filing_date: 2021-01-01, default_judgment: true}
                    - {cause: 民间借贷纠纷, plaintiff_id: 513101198201130014, plaintiff_name: 郑某, claim_amount: 20000, filing_date: 2022-01-01, default_judgment: true}
                    - {cause: 民间借贷纠纷, plaintiff_id: 513101198201130014, plaintiff_name: 郑某, claim_amount: 30000, filing_date: 2023-01-02, default_judgment: true}
                expect:
                  - {subject: 11010519491231002X, evidence: {suits: 3, default_share: 0.67, total_claims: 60000}}
            """;
        await AssertModelTestsPass(("datasets/lending_suits.yaml", Suits), ("m.yaml", Model));
    }

    [Fact]
    public async Task Stages_AsDocumented_DeriveThenSumPerPerson_InOneModelFile()
    {
        const string Model = """
            id: M35
            version: "1.0.0"
            name: 死亡后冒领补贴累计
            parameters:
              threshold: {type: decimal, default: 2000, justification: 立案追诉标准}
            rules:
              - id: S1
                from: allowance_payments
                join:
                  - {dataset: deaths, as: d, on: {person_id: person_id}}
                when: paid_on > d.death_date
                derive:
                  dataset: paid_after_death
                  fields:
                    person_id: person_id
                    paid_on: paid_on
                    amount: amount
                    days_after: days_between(d.death_date, paid_on)
              - id: R1
                from: paid_after_death
                when: amount > 0
                window: {group_by: person_id, having: "sum(amount) > $threshold"}
                clue:
                  evidence: [paid_on, amount, days_after]
            tests:
              - name: only payments after death add up
                records:
                  allowance_payments:
                    - {person_id: 11010519491231002X, paid_on: 2024-04-05, amount: 900}
                    - {person_id: 11010519491231002X, paid_on: 2024-01-05, amount: 900}
                    - {person_id: 11010519491231002X, paid_on: 2024-02-05, amount: 900}
                    - {person_id: 11010519491231002X, paid_on: 2024-03-05, amount: 900}
                    - {person_id: 370101190102039973, paid_on: 2024-03-05, amount: 1500}
                  deaths:
                    - {person_id: 11010519491231002X, death_date: 2024-01-20}
                    - {person_id: 370101190102039973, death_date: 2024-02-01}
                expect:
                  - {rule: R1, subject: 11010519491231002X, evidence: {"sum(amount)": 2700}}
            """;
        await AssertModelTestsPass(("datasets/payments.yaml", AllowancePayments), ("datasets/deaths.yaml", Deaths), ("m.yaml", Model));
    }

    [Fact]
    public async Task TestRunner_ModelSetWithErrors_Throws() =>
        await Assert.ThrowsAsync<RuleCompilationException>(() => ModelTestRunner.RunAsync(ModelFolder.LoadModel("id: M1\n")));

    [Fact]
    public async Task SampleModels_ValidateCleanlyAndTheirTestsPass()
    {
        ModelSet models = ModelSet.Load(Path.Combine(RepositoryRoot(), "samples", "models"), new ModelLoadOptions { ScriptCompiler = new RuleEngine.Scripting.ScriptRuleCompiler() });
        Assert.False(models.HasErrors, string.Join("\n", models.Diagnostics));
        Assert.True(models.Models.Count >= 5);
        ModelTestReport report = await ModelTestRunner.RunAsync(models);
        Assert.True(report.Passed, string.Join("\n", report.Results.SelectMany(r => r.Failures)));
        Assert.All(models.Models, m => Assert.NotEmpty(m.Tests));
    }

    [Theory]
    [InlineData("dui_cases", "dui_cases.csv")]
    [InlineData("allowance_payments", "allowance_payments.jsonl")]
    public void DataFileName_IsTheDatasetNameWithItsFormatsExtension(string dataset, string expected)
    {
        ModelSet models = ModelSet.Load(Path.Combine(RepositoryRoot(), "samples", "models"), new ModelLoadOptions { ScriptCompiler = new RuleEngine.Scripting.ScriptRuleCompiler() });
        Assert.Equal(expected, models.Datasets[dataset].DataFileName);
    }

    [Fact]
    public async Task Material_FieldsAreFlaggedInTheEvidenceAndAddedToItWhenNotListed()
    {
        ModelSet models = ModelFolder.LoadModel("id: X\nversion: '1'\nname: x\nfrom: cases\nwhen: amount > 1\nclue:\n  evidence: [cause]\n  material: [amount]\n");
        Assert.False(models.HasErrors, string.Join('\n', models.Diagnostics));
        var sink = new Sink();

        await models.Compile().RunAsync(Records(1500m), sink);

        EvidenceValue[] evidence = [.. sink.Clues.Single().Evidence];
        Assert.Equal(["cause", "amount"], evidence.Select(e => e.Field));
        Assert.Equal([false, true], evidence.Select(e => e.Material));
    }

    internal static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RuleEngine.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("RuleEngine.sln not found.");
    }

    private static async Task<decimal[]> AmountsOfClues(RuleSet rules, params decimal[] amounts)
    {
        var sink = new Sink();
        await rules.RunAsync(Records(amounts), sink);
        return [.. sink.Clues.Select(c => (decimal)c.Evidence.Single(e => e.Field == "amount").Value!)];
    }

    private static RuleEngine.Records.RecordSource Records(params decimal[] amounts)
    {
        string csv = "person_id,name,cause,amount,filing_date,detained,charges\n"
            + string.Concat(amounts.Select(a => $"11010519491231002X,张三,盗窃,{a.ToString(System.Globalization.CultureInfo.InvariantCulture)},,,\n"));
        ModelSet models = ModelFolder.LoadModel("id: X\nversion: '1'\nname: x\nfrom: cases\nwhen: TRUE\n");
        return RuleEngine.Records.RecordSource.Csv(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), models.Datasets["cases"].Schema);
    }

    private sealed class Sink : IClueSink
    {
        public List<Clue> Clues { get; } = [];

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            Clues.Add(clue);
            return ValueTask.CompletedTask;
        }
    }
}
