using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Scripting.Tests.Support;

/// <summary>Compiles and runs script rules over a small judgments dataset, for tests.</summary>
internal static class Scripts
{
    public static DatasetSchema Judgments { get; } = DatasetSchema.Create("judgments")
        .Add("case_no", FieldType.CaseNo)
        .Add("cause", FieldType.String)
        .Add("plaintiff_id", FieldType.IdNumber)
        .Add("plaintiff_name", FieldType.String, PersonalDataKind.Name)
        .Add("amount", FieldType.Decimal)
        .Add("bac", FieldType.Double)
        .Add("months", FieldType.Int)
        .Add("default_judgment", FieldType.Bool)
        .Add("filing_date", FieldType.Date)
        .Add("facts", FieldType.String)
        .Add("defendants", FieldType.StringArray)
        .Key("case_no")
        .Build();

    public const string Header = "case_no,cause,plaintiff_id,plaintiff_name,amount,bac,months,default_judgment,filing_date,facts,defendants";

    public static ScriptRuleCompiler Compiler { get; } = new();

    /// <summary>Compiles a script; returns the condition (or null) and every diagnostic.</summary>
    public static (ScriptCondition? Condition, List<Diagnostic> Diagnostics) Compile(string script, IReadOnlyDictionary<string, object?>? parameters = null, ScriptRuleCompiler? compiler = null)
    {
        var diagnostics = new List<Diagnostic>();
        ScriptCondition? condition = (compiler ?? Compiler).Compile(new ScriptConditionRequest("R1", script, Judgments) { Parameters = parameters ?? new Dictionary<string, object?>() }, diagnostics);
        return (condition, diagnostics);
    }

    /// <summary>Asserts the script is refused with <paramref name="code"/> and returns that diagnostic.</summary>
    public static Diagnostic Rejected(string script, string code)
    {
        (ScriptCondition? condition, List<Diagnostic> diagnostics) = Compile(script);
        Assert.Null(condition);
        Diagnostic? match = diagnostics.Find(d => d.Id == code && d.IsError);
        Assert.True(match is not null, $"Expected {code}; got: {string.Join(" | ", diagnostics)}");
        return match;
    }

    public static RuleSet Build(string? condition, string script, ScriptRuleCompiler? compiler = null, IReadOnlyDictionary<string, object?>? parameters = null) =>
        new RuleSetBuilder()
            .AddDataset(Judgments)
            .UseScriptCompiler(compiler ?? Compiler)
            .AddRule(new RuleDefinition("R1", "judgments", condition ?? string.Empty) { Script = script, Parameters = parameters ?? new Dictionary<string, object?>() })
            .Build();

    public static async Task<(List<Clue> Clues, RunSummary Summary)> RunAsync(RuleSet rules, string csvRows, RunOptions? options = null)
    {
        var sink = new Collecting();
        RecordSource source = RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(Header + "\n" + csvRows)), Judgments);
        RunSummary summary = await rules.RunAsync(source, sink, options);
        return (sink.Clues, summary);
    }

    private sealed class Collecting : IClueSink
    {
        public List<Clue> Clues { get; } = [];

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            Clues.Add(clue);
            return ValueTask.CompletedTask;
        }
    }
}
