using System.Text;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Yaml;

namespace RuleEngine.Fuzz;

/// <summary>
/// What each fuzz target does with one input, and which exceptions are the documented outcome of bad input (a coded
/// <see cref="RuleEngineException"/>). Anything else escaping is a crash: afl-fuzz records the input, and the input
/// goes into <c>corpus/&lt;target&gt;/</c> so the replay test keeps it fixed.
/// </summary>
public static class FuzzTargets
{
    /// <summary>Gets the targets by name.</summary>
    public static IReadOnlyDictionary<string, Action<Stream>> All { get; } = new Dictionary<string, Action<Stream>>(StringComparer.Ordinal)
    {
        ["csv"] = Csv,
        ["jsonl"] = JsonLines,
        ["yaml"] = Yaml,
        ["condition"] = Condition,
    };

    // Lazy: instrumented code must not run before SharpFuzz has set up its trace map (a static constructor would).
    private static readonly Lazy<DatasetSchema> CasesSchema = new(() => DatasetSchema.Create("cases")
        .Add("case_no", FieldType.CaseNo)
        .Add("cause", FieldType.String)
        .Add("person_id", FieldType.IdNumber)
        .Add("name", FieldType.String, PersonalDataKind.Name)
        .Add("amount", FieldType.Decimal)
        .Add("bac", FieldType.Double)
        .Add("months", FieldType.Int)
        .Add("revoked", FieldType.Bool)
        .Add("filing_date", FieldType.Date)
        .Add("seen_at", FieldType.DateTime)
        .Add("tags", FieldType.StringArray)
        .Key("case_no")
        .Build());

    private static readonly Lazy<RuleSet> FixedRules = new(() => new RuleSetBuilder()
        .AddDataset(Cases)
        .AddRule(new RuleDefinition("F1", "cases", "amount > 100 AND regexp_like(cause, '醉酒|盗窃') OR months BETWEEN 1 AND 6 AND filing_date + 30 > DATE '2024-01-01'"))
        .AddRule(new RuleDefinition("F2", "cases", "id_valid(person_id) AND contains(name, '张') OR array_contains(tags, 'x') OR NOT revoked"))
        .Build());

    private static readonly string Records = "case_no,cause,person_id,name,amount,bac,months,revoked,filing_date,seen_at,tags\n"
        + "（2024）京0105刑初1号,醉酒驾驶,11010519491231002X,张三,500,0.9,3,false,2024-01-02,2024-01-02 08:00:00,x;y\n"
        + "A2,,,,,,,,,,\n";

    private static readonly Lazy<string> Models = new(() => Directory.CreateTempSubdirectory("re-fuzz-models-").FullName);

    private static DatasetSchema Cases => CasesSchema.Value;

    private static string ModelsFolder => Models.Value;

    /// <summary>A CSV file: every record read, rejected or refused with a code.</summary>
    public static void Csv(Stream input) => Run(RecordSource.Csv(Buffered(input), Cases, new CsvSourceOptions { MaxRecordChars = 4096, MaxRecordLines = 16 }));

    /// <summary>A JSON Lines file.</summary>
    public static void JsonLines(Stream input) => Run(RecordSource.JsonLines(Buffered(input), Cases, new JsonLinesSourceOptions { MaxRecordBytes = 4096 }));

    /// <summary>A model file beside a fixed dataset file: loading gives coded diagnostics and never throws.</summary>
    public static void Yaml(Stream input)
    {
        string datasets = Path.Combine(ModelsFolder, "datasets");
        if (!Directory.Exists(datasets))
        {
            Directory.CreateDirectory(datasets);
            File.WriteAllText(Path.Combine(datasets, "cases.yaml"), "dataset: cases\nkey: [case_no]\nfields:\n  - {name: case_no, type: case_no}\n  - {name: cause, type: string}\n  - {name: amount, type: decimal}\n  - {name: months, type: int}\n  - {name: filing_date, type: date}\n");
        }

        using (FileStream file = File.Create(Path.Combine(ModelsFolder, "m.yaml")))
        {
            input.CopyTo(file);
        }

        ModelSet models = ModelSet.Load(ModelsFolder);
        foreach (Diagnostic diagnostic in models.Diagnostics)
        {
            if (!diagnostic.Id.StartsWith("RE", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("A diagnostic without a code: " + diagnostic.Id);
            }
        }

        if (!models.HasErrors)
        {
            try
            {
                models.Compile();
            }
            catch (RuleCompilationException)
            {
                // A model that loads without errors may still fail to compile with coded diagnostics.
            }
        }
    }

    /// <summary>A condition: it builds or gets coded diagnostics, and a rule set that builds evaluates two records.</summary>
    public static void Condition(Stream input)
    {
        string condition = new StreamReader(input, Encoding.UTF8).ReadToEnd();
        RuleSet rules;
        try
        {
            rules = new RuleSetBuilder().AddDataset(Cases).AddRule(new RuleDefinition("C1", "cases", condition)).Build();
        }
        catch (RuleCompilationException e) when (e.Diagnostics.Count > 0)
        {
            return;
        }

        Run(RecordSource.Csv(new MemoryStream(Encoding.UTF8.GetBytes(Records)), Cases), rules);
    }

    private static void Run(RecordSource source, RuleSet? rules = null)
    {
        try
        {
            (rules ?? FixedRules.Value).RunAsync(source, new DiscardingSink(), new RunOptions { BadRecords = BadRecordPolicy.Skip, MaxDegreeOfParallelism = 1 }).GetAwaiter().GetResult();
        }
        catch (RecordSourceException)
        {
            // A source that cannot be read at all (a header without the columns, every record rejected): coded.
        }
    }

    /// <summary>The input, copied: the run reads it on another thread after the fuzzer's stream may be reused.</summary>
    private static MemoryStream Buffered(Stream input)
    {
        var copy = new MemoryStream();
        input.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }

    private sealed class DiscardingSink : IClueSink
    {
        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
