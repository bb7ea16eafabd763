using RuleEngine.Diagnostics;
using BenchmarkDotNet.Attributes;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.Micro;

/// <summary>
/// One compiled condition over typed records, against a hand-written lambda over the same slots.
/// The headline number is the overhead of the compiled predicate versus hand-written code; the same rule as a
/// trusted C# script runs beside it.
/// </summary>
[MemoryDiagnoser]
public class SingleRuleBenchmarks
{
    private const int RecordCount = 10_000;
    private static readonly string[] Causes = ["盗窃罪", "诈骗罪", "危险驾驶罪", "故意伤害罪", "民间借贷纠纷"];
    private Record[] _records = [];
    private Func<Record, bool> _compiled = _ => false;
    private Func<Record, bool> _handWritten = _ => false;
    private Func<Record, bool> _script = _ => false;

    [GlobalSetup]
    public void Setup()
    {
        DatasetSchema schema = DatasetSchema.Create("cases")
            .Add("cause", FieldType.String)
            .Add("amount", FieldType.Decimal)
            .Add("filing_date", FieldType.Date)
            .Build();
        var layout = new RecordLayout(schema);
        var random = new Random(42);
        _records = new Record[RecordCount];
        for (int i = 0; i < RecordCount; i++)
        {
            Record record = layout.CreateRecord();
            record.SetString(0, Causes[random.Next(Causes.Length)]);
            record.SetDecimal(1, random.Next(0, 100_000));
            record.SetInt64(2, new DateOnly(2020, 1, 1).AddDays(random.Next(0, 1500)).DayNumber);
            _records[i] = record;
        }

        var diagnostics = new RuleEngine.Diagnostics.DiagnosticBag();
        var text = new ExpressionText("cause IN ('盗窃罪', '诈骗罪') AND amount >= 50000 AND filing_date >= DATE '2022-01-01'", SourceLocation.None);
        SyntaxNode syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default)!;
        BoundExpression bound = new Binder(text, new BindingScope(schema, ["cases"]), diagnostics, "R1").BindCondition(syntax);
        _compiled = new ExpressionCompiler(layout).CompilePredicate(bound);

        var scriptDiagnostics = new List<Diagnostic>();
        ScriptCondition script = new Scripting.ScriptRuleCompiler().Compile(
            new ScriptConditionRequest("R1", "(r.Cause == \"盗窃罪\" || r.Cause == \"诈骗罪\") && r.Amount >= 50000m && r.FilingDate >= new DateOnly(2022, 1, 1)", schema),
            scriptDiagnostics) ?? throw new InvalidOperationException(string.Join(Environment.NewLine, scriptDiagnostics));
        _script = script.CreatePredicate(layout);

        int threshold = new DateOnly(2022, 1, 1).DayNumber;
        _handWritten = r => !r.Nulls[0] && (r.Strings[0] == "盗窃罪" || r.Strings[0] == "诈骗罪")
            && !r.Nulls[1] && r.Decimals[0] >= 50000m
            && !r.Nulls[2] && r.Int64s[0] >= threshold;
    }

    [Benchmark(Baseline = true)]
    public int HandWrittenLambda() => Count(_handWritten);

    [Benchmark(Description = "Condition (YAML language)")]
    public int CompiledCondition() => Count(_compiled);

    [Benchmark(Description = "Trusted C# script")]
    public int TrustedScript() => Count(_script);

    private int Count(Func<Record, bool> predicate)
    {
        int matches = 0;
        foreach (Record record in _records)
        {
            if (predicate(record))
            {
                matches++;
            }
        }

        return matches;
    }
}
