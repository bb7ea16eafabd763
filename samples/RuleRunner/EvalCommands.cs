using System.CommandLine;
using System.Globalization;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>
/// <c>eval</c> and <c>repl</c>: try a condition on a data file before writing it into a model — how many records it
/// flags, on which lines, and, for one line, the value of each of its parts.
/// </summary>
internal static class EvalCommands
{
    public static Command Eval()
    {
        var modelsPath = new Option<string>("--models", "-m") { Description = "A folder of model and dataset files (for the dataset's schema).", Required = true };
        var data = new Option<FileInfo>("--data", "-d") { Description = "The data file, named after its dataset (samples/data/dui_cases.csv) or with --dataset.", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "The file's dataset, when the file is not named after it." };
        var model = new Option<string?>("--model") { Description = "A model whose parameters the condition may use ($grace_days)." };
        var region = new Option<string?>("--region") { Description = "The 6-digit division code whose parameter values apply." };
        var line = new Option<long?>("--line") { Description = "Explain the condition on this line instead of counting." };
        var reveal = new Option<bool>("--reveal-personal-data") { Description = "Show ID numbers, names and phones unmasked." };
        var csharp = new Option<bool>("--csharp") { Description = "The expression is C# over the typed record (r.FilingDate), run behind the script rules' allow-list and budgets (trusted use)." };
        var condition = new Argument<string?>("condition") { Description = "The condition, in the condition language; '-' or nothing reads one per line from standard input (with --csharp: one submission after another).", Arity = ArgumentArity.ZeroOrOne };
        var load = new LoadOptions();
        var command = new Command("eval", "Count the records of a data file on which a condition is true, false or unknown, or explain it on one line.") { modelsPath, data, dataset, model, region, line, reveal, csharp, condition };
        load.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (load.Read(parse) is not { } options)
            {
                return ExitCodes.Usage;
            }

            (ConditionEvaluator? evaluator, int exitCode) = Open(options, parse.GetValue(modelsPath)!, parse.GetValue(data)!.FullName, parse.GetValue(dataset), parse.GetValue(model), parse.GetValue(region), parse.GetValue(reveal));
            if (evaluator is null)
            {
                return exitCode;
            }

            string? text = parse.GetValue(condition);
            if (parse.GetValue(csharp))
            {
                if (options.ScriptCompiler is null)
                {
                    await Console.Error.WriteLineAsync("--csharp: C# is off (--scripts off).");
                    return ExitCodes.Usage;
                }

                var csharpEvaluator = new CSharpEvaluator(evaluator.Dataset, evaluator.File, evaluator.Parameters, parse.GetValue(reveal));
                long at = parse.GetValue(line) ?? await evaluator.FirstLineAsync(cancellationToken);
                bool ran = true;
                foreach (string submission in Submissions(text is null or "-" ? ReadLines(Console.In) : [text]))
                {
                    ran &= await csharpEvaluator.PrintAsync(submission, at, Console.Out, cancellationToken);
                }

                return ran ? ExitCodes.Success : ExitCodes.ModelErrors;
            }

            IEnumerable<string> conditions = text is null or "-" ? ReadLines(Console.In) : [text];
            bool ok = true;
            foreach (string each in conditions.Where(c => c.Trim().Length > 0))
            {
                ok &= await evaluator.PrintAsync(each, parse.GetValue(line), Console.Out, cancellationToken);
            }

            return ok ? ExitCodes.Success : ExitCodes.ModelErrors;
        });
        return command;
    }

    public static Command Repl()
    {
        var modelsPath = new Option<string>("--models", "-m") { Description = "A folder of model and dataset files.", Required = true };
        var dataDirectory = new Option<DirectoryInfo>("--data-dir") { Description = "A folder of data files named after their datasets.", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "The dataset to start with; :use changes it." };
        var region = new Option<string?>("--region") { Description = "The 6-digit division code whose parameter values apply." };
        var reveal = new Option<bool>("--reveal-personal-data") { Description = "Show ID numbers, names and phones unmasked." };
        var load = new LoadOptions();
        var command = new Command("repl", "Type conditions and see what they flag in the data, line by line; :help lists the commands.") { modelsPath, dataDirectory, dataset, region, reveal };
        load.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => load.Read(parse) is not { } options
            ? ExitCodes.Usage
            : await ReplAsync(options, parse.GetValue(modelsPath)!, parse.GetValue(dataDirectory)!, parse.GetValue(dataset), parse.GetValue(region), parse.GetValue(reveal), cancellationToken));
        return command;
    }

    private static async Task<int> ReplAsync(ModelLoadOptions options, string modelsPath, DirectoryInfo data, string? datasetName, string? region, bool reveal, CancellationToken cancellationToken)
    {
        var repl = new Repl(modelsPath, options, data, region, reveal, Console.Out);
        int loaded = repl.Load(data, datasetName, Console.Error);
        return loaded != ExitCodes.Success ? loaded : await repl.RunAsync(interactive: !Console.IsInputRedirected, cancellationToken);
    }

    /// <summary>
    /// Each field's type, how many records leave it empty, and its first few distinct values (masked where personal),
    /// counted by the engine itself: two rules per field, empty and not.
    /// </summary>
    public static async Task PrintFieldsAsync(DatasetDefinition dataset, string file, bool reveal, TextWriter output, CancellationToken cancellationToken)
    {
        DatasetSchema schema = dataset.Schema;
        var builder = new RuleSetBuilder().AddDataset(schema);
        for (int f = 0; f < schema.Fields.Count; f++)
        {
            string name = "\"" + schema.Fields[f].Name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            builder.AddRule(new RuleDefinition(string.Create(CultureInfo.InvariantCulture, $"empty{f}"), schema.Name, $"{name} IS NULL"));
            builder.AddRule(new RuleDefinition(string.Create(CultureInfo.InvariantCulture, $"value{f}"), schema.Name, $"{name} IS NOT NULL") { Clue = new ClueSpec { Evidence = [schema.Fields[f].Name] } });
        }

        var samples = schema.Fields.Select(_ => new List<string>()).ToArray();
        RunSummary summary = await builder.Build().RunAsync(dataset.Open(file), new SampleSink(samples), new RunOptions { RevealPersonalData = reveal, MaxDegreeOfParallelism = 1 }, cancellationToken);
        int width = schema.Fields.Max(f => f.Name.Length);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {schema.Name}: {summary.RecordsRead} records"));
        for (int f = 0; f < schema.Fields.Count; f++)
        {
            FieldDefinition field = schema.Fields[f];
            long empty = summary.CluesPerRule.GetValueOrDefault(string.Create(CultureInfo.InvariantCulture, $"empty{f}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {field.Name.PadRight(width)}  {field.Type,-10}  empty {empty,-6}  {string.Join(" | ", samples[f])}"));
        }
    }

    /// <summary>Runs one model's rules over the data files it reads and prints its clues per rule and the first few.</summary>
    public static async Task RunModelAsync(ModelSet models, SupervisionModel model, DirectoryInfo data, string? region, bool reveal, TextWriter output, CancellationToken cancellationToken)
    {
        RuleSet rules = models.Compile(new ModelCompileOptions { Models = [model.Id], Region = region });
        var sources = rules.Rules.SelectMany(r => r.Joins.Select(j => j.Dataset).Prepend(r.Dataset)).Distinct(StringComparer.Ordinal)
            .Where(d => models.Datasets.TryGetValue(d, out DatasetDefinition? definition) && definition.FindDataFile(data.FullName) is not null)
            .Select(d => models.Datasets[d].Open(models.Datasets[d].FindDataFile(data.FullName)!))
            .ToList();
        var clues = new List<Clue>();
        try
        {
            RunSummary summary = await rules.RunAsync(sources, new ListSink(clues), new RunOptions { RevealPersonalData = reveal }, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {model.Id} {model.Name}: {summary.CluesEmitted} clue(s) over {summary.RecordsRead} records; its parameters are now usable as $name"));
            foreach ((string rule, long count) in summary.CluesPerRule)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {rule}: {count}"));
            }

            foreach (Clue clue in clues.Take(5))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    [{clue.RuleId}] {clue.Title}  subject={clue.SubjectKey}  ({clue.Dataset}:{clue.Line})"));
            }
        }
        catch (ArgumentException e)
        {
            output.WriteLine($"  {model.Id} cannot run over the data here: {e.Message}");
        }
    }

    /// <summary>Lines grouped into complete C# submissions (a method over several lines is one).</summary>
    private static IEnumerable<string> Submissions(IEnumerable<string> lines)
    {
        string pending = string.Empty;
        foreach (string line in lines)
        {
            pending = pending.Length == 0 ? line : pending + "\n" + line;
            if (pending.Trim().Length > 0 && RuleEngine.Scripting.ScriptSession.IsCompleteSubmission(pending))
            {
                yield return pending;
                pending = string.Empty;
            }
        }

        if (pending.Trim().Length > 0)
        {
            yield return pending;
        }
    }

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static (ConditionEvaluator? Evaluator, int ExitCode) Open(ModelLoadOptions options, string modelsPath, string file, string? datasetName, string? model, string? region, bool reveal)
    {
        ModelSet models = ModelLoading.Load(modelsPath, options, Console.Error);
        if (models.HasErrors)
        {
            return (null, ExitCodes.ModelErrors);
        }

        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"--data: file '{file}' does not exist.");
            return (null, ExitCodes.Usage);
        }

        string name = datasetName ?? Path.GetFileNameWithoutExtension(file);
        if (!models.Datasets.TryGetValue(name, out DatasetDefinition? dataset))
        {
            Console.Error.WriteLine($"--dataset: say which dataset '{file}' holds ({string.Join(", ", models.Datasets.Keys.Order(StringComparer.Ordinal))}).");
            return (null, ExitCodes.Usage);
        }

        if (model is not null && !models.Models.Any(m => m.Id == model))
        {
            Console.Error.WriteLine($"--model: no model '{model}' in {modelsPath}.");
            return (null, ExitCodes.Usage);
        }

        return (new ConditionEvaluator(dataset, file, ConditionEvaluator.ParametersOf(models, model, region), reveal), ExitCodes.Success);
    }

    /// <summary>Keeps the first three distinct values of each field, as the clues of its "not empty" rule show them.</summary>
    private sealed class SampleSink(List<string>[] samples) : IClueSink
    {
        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            if (clue.RuleId.StartsWith("value", StringComparison.Ordinal) && int.TryParse(clue.RuleId.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int field)
                && samples[field].Count < 3 && clue.Evidence.FirstOrDefault() is { Value: { } value }
                && Convert.ToString(value switch { DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), bool flag => flag ? "true" : "false", _ => value }, CultureInfo.InvariantCulture) is { } text
                && !samples[field].Contains(text))
            {
                samples[field].Add(text);
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class ListSink(List<Clue> clues) : IClueSink
    {
        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            clues.Add(clue);
            return ValueTask.CompletedTask;
        }
    }
}
