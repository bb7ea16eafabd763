using System.Globalization;
using System.Linq.Expressions;
using RuleEngine.Execution;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.Workload;

/// <summary>One rule, stated once and expressed for every engine: 2 to 5 conditions of low selectivity.</summary>
public sealed record RuleSpec(string Cause, string Court, decimal MinAmount, int? MinMonths, bool RequireDetained)
{
    public string Condition => string.Join(" AND ", Parts("cause = '{0}'", "court = '{0}'", "amount >= {0}", "sentence_months > {0}", "detained"));

    /// <summary>The same condition in Microsoft RulesEngine's expression language.</summary>
    public string RulesEngineExpression => string.Join(" && ", Parts("input1.Cause == \"{0}\"", "input1.Court == \"{0}\"", "input1.Amount >= {0}", "input1.SentenceMonths > {0}", "input1.Detained"));

    /// <summary>The same condition as a C# script rule over the record's typed properties.</summary>
    public string Script => string.Join(" && ", Parts("r.Cause == \"{0}\"", "r.Court == \"{0}\"", "r.Amount >= {0}m", "r.SentenceMonths > {0}", "r.Detained == true"));

    /// <summary>The hand-written lambda.</summary>
    public Func<CaseRecord, bool> Lambda()
    {
        string cause = Cause;
        string court = Court;
        decimal amount = MinAmount;
        int months = MinMonths ?? int.MinValue;
        bool detained = RequireDetained;
        return r => r.Cause == cause && r.Court == court && r.Amount >= amount && r.SentenceMonths > months && (!detained || r.Detained);
    }

    /// <summary>The condition as an expression tree over a parameter of the given name (NRules matches it to the pattern).</summary>
    public LambdaExpression Expression(string parameter)
    {
        ParameterExpression r = System.Linq.Expressions.Expression.Parameter(typeof(CaseRecord), parameter);
        Expression body = System.Linq.Expressions.Expression.AndAlso(
            System.Linq.Expressions.Expression.Equal(System.Linq.Expressions.Expression.Property(r, nameof(CaseRecord.Cause)), System.Linq.Expressions.Expression.Constant(Cause)),
            System.Linq.Expressions.Expression.Equal(System.Linq.Expressions.Expression.Property(r, nameof(CaseRecord.Court)), System.Linq.Expressions.Expression.Constant(Court)));
        body = System.Linq.Expressions.Expression.AndAlso(body, System.Linq.Expressions.Expression.GreaterThanOrEqual(System.Linq.Expressions.Expression.Property(r, nameof(CaseRecord.Amount)), System.Linq.Expressions.Expression.Constant(MinAmount)));
        if (MinMonths is { } months)
        {
            body = System.Linq.Expressions.Expression.AndAlso(body, System.Linq.Expressions.Expression.GreaterThan(System.Linq.Expressions.Expression.Property(r, nameof(CaseRecord.SentenceMonths)), System.Linq.Expressions.Expression.Constant(months)));
        }

        if (RequireDetained)
        {
            body = System.Linq.Expressions.Expression.AndAlso(body, System.Linq.Expressions.Expression.Property(r, nameof(CaseRecord.Detained)));
        }

        return System.Linq.Expressions.Expression.Lambda(body, r);
    }

    private IEnumerable<string> Parts(string cause, string court, string amount, string months, string detained)
    {
        yield return string.Format(CultureInfo.InvariantCulture, cause, Cause);
        yield return string.Format(CultureInfo.InvariantCulture, court, Court);
        yield return string.Format(CultureInfo.InvariantCulture, amount, MinAmount);
        if (MinMonths is { } m)
        {
            yield return string.Format(CultureInfo.InvariantCulture, months, m);
        }

        if (RequireDetained)
        {
            yield return detained;
        }
    }
}

/// <summary>Seeded case records and rule sets; the same seed gives the same workload for every engine.</summary>
public static class CaseWorkload
{
    public static readonly string[] Causes = [.. Enumerable.Range(0, 50).Select(i => "案由" + i.ToString("00", CultureInfo.InvariantCulture))];
    public static readonly string[] Courts = [.. Enumerable.Range(0, 30).Select(i => "法院" + i.ToString("00", CultureInfo.InvariantCulture))];
    private static readonly string[] Types = ["刑事一审", "刑事二审", "民事一审", "民事二审", "行政一审", "执行", "非诉执行", "国家赔偿"];
    private static readonly string[] Regions = ["110105", "310104", "330106", "420112", "440303", "510107"];

    public static CaseRecord[] Records(int count, int seed = 7)
    {
        var random = new Random(seed);
        var records = new CaseRecord[count];
        for (int i = 0; i < count; i++)
        {
            DateOnly filing = new DateOnly(2018, 1, 1).AddDays(random.Next(0, 2500));
            records[i] = new CaseRecord
            {
                CaseNo = "（2024）浙0624刑初" + i.ToString(CultureInfo.InvariantCulture) + "号",
                CaseType = Types[random.Next(Types.Length)],
                Cause = Causes[random.Next(Causes.Length)],
                PersonId = "11010519491231002X",
                FilingDate = filing,
                JudgmentDate = filing.AddDays(random.Next(30, 400)),
                Court = Courts[random.Next(Courts.Length)],
                Region = Regions[random.Next(Regions.Length)],
                Amount = random.Next(0, 100_000),
                Fine = random.Next(0, 20_000),
                SentenceMonths = random.Next(0, 120),
                Defendants = random.Next(1, 6),
                Detained = random.Next(2) == 0,
                Recidivist = random.Next(10) == 0,
                Minor = random.Next(20) == 0,
                Disposition = random.Next(3) == 0 ? "不起诉" : "有罪判决",
                Procuratorate = "某区人民检察院",
                Bac = random.NextDouble() * 250,
                Tags = ["标签" + random.Next(10).ToString(CultureInfo.InvariantCulture)],
            };
        }

        return records;
    }

    public static RuleSpec[] Rules(int count, int seed = 11)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new RuleSpec(
            Causes[random.Next(Causes.Length)],
            Courts[random.Next(Courts.Length)],
            random.Next(0, 80_000),
            random.Next(3) == 0 ? random.Next(0, 60) : null,
            random.Next(4) == 0))];
    }

    /// <summary>The rule set in RuleEngine's own form.</summary>
    public static RuleSet RuleEngineRules(RuleSpec[] rules) => new RuleSetBuilder()
        .AddDataset(Schema.DatasetSchema.FromType<CaseRecord>("cases"))
        .AddRules(rules.Select((r, i) => new RuleDefinition("R" + i.ToString(CultureInfo.InvariantCulture), "cases", r.Condition)))
        .Build();

    /// <summary>The rule set as C# script rules, compiled in-process behind the allow-list.</summary>
    public static RuleSet ScriptRules(RuleSpec[] rules) => new RuleSetBuilder()
        .AddDataset(Schema.DatasetSchema.FromType<CaseRecord>("cases"))
        .UseScriptCompiler(new Scripting.ScriptRuleCompiler())
        .AddRules(rules.Select((r, i) => new RuleDefinition("R" + i.ToString(CultureInfo.InvariantCulture), "cases", string.Empty) { Script = r.Script }))
        .Build();

    /// <summary>
    /// The same records in RuleEngine's typed slots, laid out for the compiled dataset; the dispatch is tuned on the
    /// first of them, as a run tunes it on its first batch.
    /// </summary>
    internal static Record[] TypedRecords(CaseRecord[] records, CompiledDataset compiled)
    {
        var write = (Action<CaseRecord, Record>)ClrSchema.Derive(typeof(CaseRecord), "cases").Writer;
        Record[] typed = [.. records.Select(o =>
        {
            Record record = compiled.Layout.CreateRecord();
            write(o, record);
            return record;
        })];
        compiled.TuneDispatch(new ArraySegment<Record>(typed, 0, Math.Min(typed.Length, 512)));
        return typed;
    }
}
