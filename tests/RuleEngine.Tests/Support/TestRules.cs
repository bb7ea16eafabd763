using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Tests.Support;

/// <summary>Builds small rule sets and runs them, for tests.</summary>
internal static class TestRules
{
    public static DatasetSchema Judgments { get; } = DatasetSchema.Create("judgments")
        .Add("case_no", FieldType.CaseNo)
        .Add("cause", FieldType.String)
        .Add("plaintiff_id", FieldType.IdNumber)
        .Add("plaintiff_name", FieldType.String, PersonalDataKind.Name)
        .Add("phone", FieldType.String, PersonalDataKind.Phone)
        .Add("amount", FieldType.Decimal)
        .Add("bac", FieldType.Double)
        .Add("months", FieldType.Int)
        .Add("default_judgment", FieldType.Bool)
        .Add("filing_date", FieldType.Date)
        .Add("defendants", FieldType.StringArray)
        .Key("plaintiff_id")
        .Build();

    public static RuleSet Build(DatasetSchema schema, params RuleDefinition[] rules) =>
        new RuleSetBuilder().AddDataset(schema).AddRules(rules).Build();

    public static RuleSet Build(params RuleDefinition[] rules) => Build(Judgments, rules);

    public static RuleDefinition Rule(string condition, string id = "R1") => new(id, "judgments", condition);

    public static async Task<(List<Clue> Clues, RunSummary Summary)> RunAsync(RuleSet rules, RecordSource source, RunOptions? options = null)
    {
        var sink = new CollectingSink();
        RunSummary summary = await rules.RunAsync(source, sink, options);
        return (sink.Clues, summary);
    }

    public static RecordSource Csv(string text, DatasetSchema? schema = null, CsvSourceOptions? options = null) =>
        RecordSource.Csv(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), schema ?? Judgments, options);

    public static RecordSource JsonLines(string text, DatasetSchema? schema = null, JsonLinesSourceOptions? options = null) =>
        RecordSource.JsonLines(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), schema ?? Judgments, options);
}

internal sealed class CollectingSink : IClueSink
{
    public List<Clue> Clues { get; } = [];

    public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        Clues.Add(clue);
        return ValueTask.CompletedTask;
    }
}
