using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>
/// Values a clue shows that no field holds (domain.md M18: a victim in hardship whose compensation was not paid — the
/// clue carries the unpaid amount, computed from the judgment's award and what was paid).
/// </summary>
public class ComputedEvidenceTests
{
    private const string Victim = "11010519491231002X";

    private static readonly DatasetSchema Victims = DatasetSchema.Create("victims")
        .Add("person_id", FieldType.IdNumber)
        .Add("name", FieldType.String, PersonalDataKind.Name)
        .Add("case_no", FieldType.CaseNo)
        .Add("awarded", FieldType.Decimal)
        .Add("paid", FieldType.Decimal)
        .Add("judgment_date", FieldType.Date)
        .Key("person_id")
        .Build();

    private static readonly DatasetSchema Hardship = DatasetSchema.Create("hardship")
        .Add("person_id", FieldType.IdNumber).Add("aid_type", FieldType.String).Add("valid_from", FieldType.Date).Build();

    private const string VictimsCsv = "person_id,name,case_no,awarded,paid,judgment_date\n"
        + $"{Victim},张三丰,（2022）辽0502刑初45号,159684.47,0,2022-05-01\n";

    private const string HardshipCsv = $"person_id,aid_type,valid_from\n{Victim},低保,2021-01-01\n";

    [Fact]
    public async Task ComputedValues_StandInTheirListedPlaces_TheOthersFollowTheFields_AndFillTheTitle()
    {
        var clue = new ClueSpec
        {
            Title = "{case_no} 未履行 {unpaid} 元，{waited} 日",
            Evidence = ["case_no", "unpaid", "h.aid_type"],
            Computed =
            [
                new ComputedEvidence("waited", "days_between(judgment_date, DATE '2024-05-01')"),
                new ComputedEvidence("unpaid", "awarded - paid"),
            ],
            Material = ["unpaid"],
        };

        Clue found = Assert.Single(await Run(clue));

        Assert.Equal(["case_no", "unpaid", "h.aid_type", "waited"], found.Evidence.Select(e => e.Field));
        Assert.Equal(159684.47m, Value(found, "unpaid"));
        Assert.Equal(731L, Value(found, "waited"));
        Assert.Equal(("victims", 2L, true), (Evidence(found, "unpaid").Dataset, Evidence(found, "unpaid").Line, Evidence(found, "unpaid").Material));
        Assert.False(Evidence(found, "waited").Material);
        Assert.Equal("（2022）辽0502刑初45号 未履行 159684.47 元，731 日", found.Title);
    }

    [Fact]
    public async Task ComputedValues_ReadJoinedRecordsAndParameters()
    {
        var clue = new ClueSpec
        {
            Evidence = ["aid"],
            Computed = [new ComputedEvidence("aid", "h.aid_type || '：' || CAST(least(awarded - paid, $cap) AS TEXT)")],
        };

        Clue found = Assert.Single(await Run(clue, parameters: new Dictionary<string, object?> { ["cap"] = 50000m }));

        Assert.Equal("低保：50000", Value(found, "aid"));
    }

    [Fact]
    public async Task ComputedText_FromAPersonalField_IsMaskedAsThatField_UnlessTheRunReveals()
    {
        var clue = new ClueSpec
        {
            Title = "{surname} 案",
            Evidence = ["surname", "name_length", "born"],
            Computed =
            [
                new ComputedEvidence("surname", "substr(name, 1, 2)"),
                new ComputedEvidence("name_length", "length(name)"),
                new ComputedEvidence("born", "id_birth_date(person_id)"),
            ],
        };

        Clue masked = Assert.Single(await Run(clue, reveal: false));
        Clue revealed = Assert.Single(await Run(clue, reveal: true));

        Assert.Equal("张*", Value(masked, "surname"));
        Assert.Equal(PersonalDataKind.Name, Evidence(masked, "surname").Personal);
        Assert.Equal("张* 案", masked.Title);
        Assert.Equal(3L, Value(masked, "name_length"));
        Assert.DoesNotContain("1949", Value(masked, "born")?.ToString(), StringComparison.Ordinal);
        Assert.Equal(("张三", 3L, new DateOnly(1949, 12, 31)), (Value(revealed, "surname"), Value(revealed, "name_length"), Value(revealed, "born")));
    }

    [Fact]
    public async Task ANumberMadeFromAPersonalField_IsMaskedWholly_ExceptAnAgeOrALength()
    {
        // A model is untrusted input: the digits of an ID number cast to a number are still the ID number.
        var clue = new ClueSpec
        {
            Evidence = ["digits", "age", "checked"],
            Computed =
            [
                new ComputedEvidence("digits", "CAST(substr(person_id, 1, 17) AS BIGINT)"),
                new ComputedEvidence("age", "id_age_at(person_id, judgment_date)"),
                new ComputedEvidence("checked", "id_valid(person_id)"),
            ],
        };

        Clue masked = Assert.Single(await Run(clue, reveal: false));
        Clue revealed = Assert.Single(await Run(clue, reveal: true));

        Assert.Equal("****", Value(masked, "digits"));
        Assert.Equal((72L, true), (Value(masked, "age"), Value(masked, "checked")));
        Assert.Equal(11010519491231002L, Value(revealed, "digits"));
    }

    [Fact]
    public async Task AFieldADerivingRuleComputesFromAPersonalField_IsMaskedInTheNextStagesClues()
    {
        var derive = new DeriveDefinition("victim_digits", [new DerivedField("person_id", "person_id"), new DerivedField("digits", "CAST(substr(person_id, 1, 17) AS BIGINT)"), new DerivedField("surname", "substr(name, 1, 1)")]);
        RuleSet rules = new RuleSetBuilder().AddDataset(Victims)
            .AddRule(new RuleDefinition("S1", "victims", "paid < awarded") { Derive = derive })
            .AddRule(new RuleDefinition("R1", "victim_digits", "digits > 0") { Clue = new ClueSpec { Evidence = ["digits", "surname"] } })
            .Build();
        var sink = new CollectingSink();

        await rules.RunAsync([TestRules.Csv(VictimsCsv, Victims)], sink);

        Clue clue = Assert.Single(sink.Clues);
        Assert.Equal(("****", "*"), (Value(clue, "digits"), Value(clue, "surname")));
    }

    [Fact]
    public async Task AComputedValue_ThatFailsOnARecord_SaysSo_AndTheClueIsStillGiven()
    {
        var clue = new ClueSpec { Title = "{ratio}", Evidence = ["case_no", "ratio"], Computed = [new ComputedEvidence("ratio", "awarded / paid")] };

        Clue found = Assert.Single(await Run(clue));

        Assert.Equal("not evaluated (RE4002)", Value(found, "ratio"));
        Assert.Equal("not evaluated (RE4002)", found.Title);
    }

    [Theory]
    [InlineData("paid", "awarded", "is a field of dataset 'victims'")]
    [InlineData("1st", "awarded", "is not a name")]
    [InlineData("twice", "awarded", "is given twice")]
    [InlineData("unpaid", "awarded - piad", "has no field 'piad'")]
    [InlineData("unpaid", "awarded >", "")]
    public void ABadComputedValue_IsReportedOnce_AtItsItem(string name, string expression, string message)
    {
        var at = SourceLocation.At("m.yaml", 9, 7);
        ComputedEvidence[] computed = name == "twice" ? [new(name, "paid") { Location = at }, new(name, expression) { Location = at }] : [new(name, expression) { Location = at }];
        var clue = new ClueSpec { Title = $"{{{name}}}", Evidence = [name], Computed = computed };

        var error = Assert.Throws<RuleCompilationException>(() => Build(clue));

        Diagnostic diagnostic = Assert.Single(error.Diagnostics, d => d.IsError);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(("m.yaml", 9), (diagnostic.Location.Path, diagnostic.Location.Line));
    }

    [Fact]
    public async Task AWindowRule_ComputesItsValuesOverTheFullestWindowsAggregates_AfterThem_AndTheTitleNamesThem()
    {
        var clue = new ClueSpec
        {
            Title = "共欠 {unpaid} 元",
            Evidence = ["case_no", "unpaid", "mean_award"],
            Computed = [new("unpaid", "sum(awarded) - sum(paid)"), new("mean_award", "round(avg(awarded), 2)"), new("ratio", "sum(awarded) / sum(paid)")],
        };

        Clue found = Assert.Single(await RunWindow(clue, "count() >= 2"));

        Assert.Equal(
            ["count()", "sum(awarded)", "sum(paid)", "avg(awarded)", "unpaid", "mean_award", "ratio", "members", "case_no", "case_no", "case_no"],
            found.Evidence.Select(e => e.Field));
        Assert.Equal((1000m, 333.33m, "not evaluated (RE4002)"), (Value(found, "unpaid"), Value(found, "mean_award"), Value(found, "ratio")));
        Assert.Equal("共欠 1000 元", found.Title);
    }

    [Theory]
    [InlineData("awarded - 1", "read aggregates and the 'person_id' it groups by, not other fields")]
    [InlineData("sum(name)", "sum needs a number")]
    [InlineData("paid", "is a field of dataset 'victims'")]
    public void AWindowRulesComputedValue_ThatIsNotOverAggregates_IsReportedOnce_AtItsItem(string expression, string message)
    {
        var at = SourceLocation.At("m.yaml", 9, 7);
        string name = expression == "paid" ? "paid" : "bad";
        var clue = new ClueSpec { Title = $"{{{name}}}", Computed = [new(name, expression) { Location = at }, new("total", "sum(awarded)")] };

        var error = Assert.Throws<RuleCompilationException>(() => WindowRules(clue, "count() >= 2"));

        Diagnostic diagnostic = Assert.Single(error.Diagnostics, d => d.IsError);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(("m.yaml", 9), (diagnostic.Location.Path, diagnostic.Location.Line));
    }

    [Fact]
    public async Task AWindowsSum_OfOnlyNulls_IsNull_AsInSql()
    {
        Clue found = Assert.Single(await RunWindow(new ClueSpec { Computed = [new("total_paid", "sum(paid)")] }, "count() >= 2 AND sum(paid) IS NULL", paid: string.Empty));
        Assert.Null(Value(found, "total_paid"));
        Assert.Empty(await RunWindow(new ClueSpec(), "count() >= 2 AND sum(paid) IS NULL"));
    }

    [Fact]
    public async Task AWindowRulesHaving_MayAverage()
    {
        Assert.Single(await RunWindow(new ClueSpec(), "avg(awarded) > 333"));
        Assert.Empty(await RunWindow(new ClueSpec(), "avg(awarded) > 334"));
    }

    private static EvidenceValue Evidence(Clue clue, string field) => clue.Evidence.Single(e => e.Field == field);

    private static object? Value(Clue clue, string field) => Evidence(clue, field).Value;

    private static RuleSet Build(ClueSpec clue, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        var join = new JoinDefinition("hardship", "h", JoinKind.Inner) { On = [("person_id", "person_id")] };
        return new RuleSetBuilder().AddDataset(Victims).AddDataset(Hardship)
            .AddRule(new RuleDefinition("M18", "victims", "paid < awarded") { Joins = [join], Clue = clue, Parameters = parameters ?? new Dictionary<string, object?>() })
            .Build();
    }

    private static RuleSet WindowRules(ClueSpec clue, string having) =>
        new RuleSetBuilder().AddDataset(Victims)
            .AddRule(new RuleDefinition("W", "victims", "awarded > 0") { Window = new WindowDefinition("person_id", having), Clue = clue })
            .Build();

    private static async Task<List<Clue>> RunWindow(ClueSpec clue, string having, string paid = "0")
    {
        // Three judgments of one victim, 1,000 awarded in all, nothing paid.
        string csv = "person_id,name,case_no,awarded,paid,judgment_date\n"
            + $"{Victim},张三丰,（2022）辽0502刑初45号,300,{paid},2022-05-01\n{Victim},张三丰,（2022）辽0502刑初46号,300,{paid},2022-06-01\n{Victim},张三丰,（2023）辽0502刑初7号,400,{paid},2023-01-01\n";
        var sink = new CollectingSink();
        await WindowRules(clue, having).RunAsync([TestRules.Csv(csv, Victims)], sink, new RunOptions { RevealPersonalData = true });
        return sink.Clues;
    }

    private static async Task<List<Clue>> Run(ClueSpec clue, IReadOnlyDictionary<string, object?>? parameters = null, bool reveal = true)
    {
        var sink = new CollectingSink();
        await Build(clue, parameters).RunAsync([TestRules.Csv(VictimsCsv, Victims), TestRules.Csv(HardshipCsv, Hardship)], sink, new RunOptions { RevealPersonalData = reveal });
        return sink.Clues;
    }

}
