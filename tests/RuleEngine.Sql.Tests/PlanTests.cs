using RuleEngine.Diagnostics;
using RuleEngine.Schema;
using RuleEngine.Sql.Tests.Support;

namespace RuleEngine.Sql.Tests;

/// <summary>What planning reports and how it groups rules into queries.</summary>
public class PlanTests
{
    private static readonly DatasetSchema Cases = DatasetSchema.Create("cases")
        .Add("case_no", FieldType.CaseNo)
        .Add("person_id", FieldType.IdNumber)
        .Add("cause", FieldType.String)
        .Add("amount", FieldType.Decimal)
        .Add("rate", FieldType.Decimal)
        .Add("filed", FieldType.Date)
        .Build();

    private static readonly DatasetSchema Licences = DatasetSchema.Create("licences")
        .Add("person_id", FieldType.IdNumber)
        .Add("status", FieldType.String)
        .Build();

    private static readonly SqlTable[] Tables = [new("cases", "cases"), new("licences", "licences")];

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public void RulesWithoutJoins_OverOneDataset_ShareOneScan(SqlDialect dialect)
    {
        RuleSet rules = Build(
            new RuleDefinition("A", "cases", "cause = '盗窃'"),
            new RuleDefinition("B", "cases", "amount >= 1000"),
            new RuleDefinition("C", "cases", "filed < DATE '2020-01-01'"));

        SqlPlan plan = SqlPlan.Create(rules, dialect, Tables);

        Assert.Empty(plan.Diagnostics);
        SqlQuery scan = Assert.Single(plan.Queries);
        Assert.Equal(["A", "B", "C"], scan.RuleIds);
        Assert.Equal(1, CountOccurrences(scan.Text, " FROM cases"));
    }

    [Fact]
    public void FunctionWithoutCounterpart_IsNotPushable_WithItsLocationInTheCondition()
    {
        RuleSet rules = Build(new RuleDefinition("A", "cases", "amount > 0 AND case_no_year(case_no) = 2024")
        {
            ConditionSource = SourceMap.StartingAt(new SourceLocation("models/m.yaml", 12, 11, 12, 11)),
        });

        SqlPlan plan = SqlPlan.Create(rules, SqlDialect.DuckDb, Tables);

        Diagnostic diagnostic = Assert.Single(plan.Diagnostics);
        Assert.Equal(DiagnosticIds.NotPushable, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("A", diagnostic.RuleId);
        Assert.Contains("case_no_year", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(("models/m.yaml", 12, 26), (diagnostic.Location.Path, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.False(string.IsNullOrEmpty(diagnostic.Hint));
        Assert.Empty(plan.Queries);
    }

    [Fact]
    public void Division_IsPushableToPostgreSql_ButNotToDuckDb()
    {
        RuleSet rules = Build(new RuleDefinition("A", "cases", "amount / rate > 100"));

        Assert.Empty(SqlPlan.Create(rules, SqlDialect.PostgreSql, Tables).Diagnostics);
        Diagnostic duck = Assert.Single(SqlPlan.Create(rules, SqlDialect.DuckDb, Tables).Diagnostics);
        Assert.Equal(DiagnosticIds.NotPushable, duck.Id);
        Assert.Contains("Multiply", duck.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanWithErrors_RefusesToRun_WithItsDiagnostics()
    {
        RuleSet rules = Build(new RuleDefinition("A", "cases", "case_no_type(case_no) = '刑初'"));
        SqlPlan plan = SqlPlan.Create(rules, SqlDialect.DuckDb, Tables);
        await using TestDatabase database = await TestDatabase.OpenAsync(SqlDialect.DuckDb);

        var error = await Assert.ThrowsAsync<RuleCompilationException>(() => plan.RunAsync(database.Connection, new CollectingSink()));

        Assert.Contains(error.Diagnostics, d => d.Id == DiagnosticIds.NotPushable);
    }

    [Fact]
    public void WindowRuleThatJoins_IsOneJoinQuery_WhoseRowsTheWindowCounts()
    {
        RuleSet rules = Build(new RuleDefinition("A", "cases", "amount > 0")
        {
            Joins = [new JoinDefinition("licences", "l", JoinKind.Exists) { On = [("person_id", "person_id")] }],
            Window = new WindowDefinition("person_id", "filed", 30, "count() >= 3"),
        });

        SqlPlan plan = SqlPlan.Create(rules, SqlDialect.DuckDb, Tables);

        Assert.Empty(plan.Diagnostics);
        Assert.Equal(["A"], Assert.Single(plan.Queries).RuleIds);
    }

    [Fact]
    public void AggregatingJoin_IsALateralSubqueryPerContext()
    {
        RuleSet rules = Build(new RuleDefinition("A", "cases", "l.n > 1")
        {
            Joins = [new JoinDefinition("licences", "l", JoinKind.Inner) { On = [("person_id", "person_id")], Aggregates = [new JoinAggregate("n", "count()")] }],
        });

        SqlPlan plan = SqlPlan.Create(rules, SqlDialect.PostgreSql, Tables);

        Assert.Empty(plan.Diagnostics);
        Assert.Contains("LEFT JOIN LATERAL (SELECT count(*) AS re_n", Assert.Single(plan.Queries).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Stages_RunInOrder_TheReadersOfADerivedDatasetAfterItsDerivingRule_OverATableOfTheRun()
    {
        var derive = new RuleDefinition("S", "cases", "amount > 0") { Derive = new DeriveDefinition("big", [new("person_id", "person_id")]) };
        var reader = new RuleDefinition("R", "accounts", "TRUE") { Joins = [new JoinDefinition("big", "b", JoinKind.Inner) { On = [("person_id", "person_id")] }] };
        var next = new RuleDefinition("N", "big", "TRUE");
        RuleSet rules = new RuleSetBuilder().AddDataset(Cases).AddDataset(Licences).AddDataset(DatasetSchema.Create("accounts").Add("person_id", FieldType.IdNumber).Key("person_id").Build())
            .AddRule(reader).AddRule(next).AddRule(derive).Build();

        SqlPlan plan = SqlPlan.Create(rules, SqlDialect.DuckDb, [.. Tables, new SqlTable("accounts", "accounts")]);

        Assert.Empty(plan.Diagnostics);
        List<string> order = [.. plan.Queries.Select(q => string.Join(",", q.RuleIds))];
        Assert.Equal(0, order.IndexOf("S"));
        Assert.Equal(["N", "R"], order.Skip(1).Order(StringComparer.Ordinal));
        Assert.All(plan.Queries.Skip(1), q => Assert.Contains("re_stage_", q.Text, StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => SqlPlan.Create(rules, SqlDialect.DuckDb, [.. Tables, new SqlTable("accounts", "accounts"), new SqlTable("big", "big")]));
    }

    [Fact]
    public void DatasetWithoutTable_IsReported()
    {
        RuleSet rules = Build(new RuleDefinition("A", "cases", "amount > 0")
        {
            Joins = [new JoinDefinition("licences", "l", JoinKind.NotExists) { On = [("person_id", "person_id")] }],
        });

        SqlPlan plan = SqlPlan.Create(rules, SqlDialect.DuckDb, [new SqlTable("cases", "cases")]);

        Diagnostic diagnostic = Assert.Single(plan.Diagnostics);
        Assert.Equal(DiagnosticIds.SqlTableMissing, diagnostic.Id);
        Assert.Contains("licences", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoTablesForOneDataset_AreRefused() =>
        Assert.Throws<ArgumentException>(() => SqlPlan.Create(Build(new RuleDefinition("A", "cases", "TRUE")), SqlDialect.DuckDb, [new SqlTable("cases", "a"), new SqlTable("cases", "b")]));

    [Fact]
    public void JoinRule_IsOneQuery_OfHashJoinStages()
    {
        RuleSet rules = Build(new RuleDefinition("A", "cases", "l.status <> '吊销'")
        {
            Joins = [new JoinDefinition("licences", "l", JoinKind.Inner) { On = [("person_id", "person_id")] }],
        });

        SqlPlan plan = SqlPlan.Create(rules, SqlDialect.PostgreSql, Tables);

        SqlQuery query = Assert.Single(plan.Queries);
        Assert.StartsWith("WITH re_stage0 AS", query.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("LATERAL", query.Text, StringComparison.Ordinal);
    }

    private static RuleSet Build(params RuleDefinition[] rules) =>
        new RuleSetBuilder().AddDataset(Cases).AddDataset(Licences).AddRules(rules).Build();

    private static int CountOccurrences(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
