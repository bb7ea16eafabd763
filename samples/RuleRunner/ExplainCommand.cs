using System.CommandLine;
using System.Globalization;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary><c>explain</c>: what a model's rules make of one record, condition by condition.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var modelsPath = new Option<string>("--models", "-m") { Description = "A folder of model and dataset files.", Required = true };
        var model = new Option<string>("--model") { Description = "The model to explain, by id (M02).", Required = true };
        var record = new Option<string>("--record", "-r") { Description = "The record, as file:line (samples/data/dui_cases.csv:6); the line as the summary and clues report it.", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "The record's dataset, when the file is not named after it." };
        var dataDirectory = new Option<DirectoryInfo?>("--data-dir") { Description = "A folder with the reference datasets that join rules read, named after their datasets." };
        var region = new Option<string?>("--region") { Description = "The 6-digit division code whose parameter values apply." };
        var reveal = new Option<bool>("--reveal-personal-data") { Description = "Show ID numbers, names and phones unmasked." };
        var load = new LoadOptions();
        var command = new Command("explain", "Show which conditions of a model's rules hold on one record, with the values, and why it is or is not a clue.") { modelsPath, model, record, dataset, dataDirectory, region, reveal };
        load.AddTo(command);
        command.SetAction((parse, cancellationToken) => load.Read(parse) is not { } options ? Task.FromResult(ExitCodes.Usage) : ExplainAsync(
            options, parse.GetValue(modelsPath)!, parse.GetValue(model)!, parse.GetValue(record)!, parse.GetValue(dataset), parse.GetValue(dataDirectory), parse.GetValue(region), parse.GetValue(reveal), cancellationToken));
        return command;
    }

    private static async Task<int> ExplainAsync(ModelLoadOptions loadOptions, string modelsPath, string modelId, string recordArgument, string? datasetName, DirectoryInfo? dataDirectory, string? region, bool reveal, CancellationToken cancellationToken)
    {
        int colon = recordArgument.LastIndexOf(':');
        if (colon <= 0 || !long.TryParse(recordArgument.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long line) || !File.Exists(recordArgument[..colon]))
        {
            await Console.Error.WriteLineAsync($"--record: '{recordArgument}' is not file:line with an existing file.");
            return ExitCodes.Usage;
        }

        string file = recordArgument[..colon];
        ModelSet models = ModelLoading.Load(modelsPath, loadOptions, Console.Error);
        if (models.HasErrors)
        {
            return ExitCodes.ModelErrors;
        }

        if (models.Models.FirstOrDefault(m => m.Id == modelId) is not { } chosen)
        {
            await Console.Error.WriteLineAsync($"--model: no model '{modelId}' in {modelsPath} ({string.Join(", ", models.Models.Select(m => m.Id))}).");
            return ExitCodes.Usage;
        }

        string[] readByModel = [.. chosen.Rules.Select(r => r.Dataset).Distinct(StringComparer.Ordinal)];
        string? name = datasetName ?? (models.Datasets.ContainsKey(Path.GetFileNameWithoutExtension(file)) ? Path.GetFileNameWithoutExtension(file) : readByModel.Length == 1 ? readByModel[0] : null);
        if (name is null || !models.Datasets.TryGetValue(name, out DatasetDefinition? definition))
        {
            await Console.Error.WriteLineAsync($"--dataset: say which dataset '{file}' holds ({string.Join(", ", readByModel)}).");
            return ExitCodes.Usage;
        }

        RuleSet rules;
        try
        {
            rules = models.Compile(new ModelCompileOptions { Region = region });
        }
        catch (RuleCompilationException e)
        {
            foreach (Diagnostic diagnostic in e.Diagnostics)
            {
                await Console.Error.WriteLineAsync(ModelLoading.Relative(diagnostic));
            }

            return ExitCodes.ModelErrors;
        }

        var references = new List<RecordSource>();
        foreach (string joined in chosen.Rules.SelectMany(r => r.Joins).Select(j => j.Dataset).Distinct(StringComparer.Ordinal))
        {
            if (dataDirectory is not null && models.Datasets.TryGetValue(joined, out DatasetDefinition? reference)
                && reference.FindDataFile(dataDirectory.FullName) is { } path)
            {
                references.Add(reference.Open(path));
            }
        }

        RecordExplanation explanation;
        try
        {
            explanation = await rules.ExplainAsync(definition.Open(file), line, references, new RunOptions { RevealPersonalData = reveal }, cancellationToken);
        }
        catch (RecordSourceException e)
        {
            // A file that cannot be read at all (a header without the schema's columns, say): said with its code, no values.
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.ModelErrors;
        }

        Print(explanation, file, explanation.Rules.Where(r => r.ModelId == modelId), Console.Out);
        return explanation.Found && explanation.Rejection is null ? ExitCodes.Success : ExitCodes.ModelErrors;
    }

    /// <summary>A record, and what the given rules (of its dataset) make of it.</summary>
    public static void Print(RecordExplanation explanation, string file, IEnumerable<RuleExplanation> rules, TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Record {explanation.Dataset}:{explanation.Line} ({file})"));
        if (!explanation.Found)
        {
            output.WriteLine("  no record at that line");
            return;
        }

        if (explanation.Rejection is { } rejected)
        {
            output.WriteLine($"  not read: {rejected}");
            return;
        }

        PrintRules(explanation, rules, "", output);
    }

    /// <summary>A record's values and its rules' verdicts; a derived record's, indented below the rule that derives it.</summary>
    private static void PrintRules(RecordExplanation explanation, IEnumerable<RuleExplanation> rules, string indent, TextWriter output)
    {
        int width = explanation.Values.Max(v => v.Field.Length);
        foreach (EvidenceValue value in explanation.Values)
        {
            output.WriteLine($"{indent}  {value.Field.PadRight(width)}  {value.Value}");
        }

        foreach (RuleExplanation rule in rules)
        {
            output.WriteLine();
            string[] notTrue = [.. rule.Conditions.Where(c => c.Value != true).Select(c => $"`{c.Condition}` is {Value(c)}")];
            string[] unmatched = [.. rule.Joined.Where(j => j.Kind is JoinKind.Inner or JoinKind.Exists && j.Matching == 0).Select(j => $"no {j.Dataset} record matches join {j.Alias}{(j.WithKey > 0 ? $" ({j.WithKey} with the key, none meeting its where)" : string.Empty)}")
                .Concat(rule.Joined.Where(j => j.Kind == JoinKind.NotExists && j.Matching > 0).Select(j => $"{j.Matching} {j.Dataset} record(s) match join {j.Alias}, which must have none"))];
            output.WriteLine(indent + rule.Verdict switch
            {
                RuleVerdict.Clue => $"{rule.RuleId}: CLUE — every condition holds",
                RuleVerdict.CountsInWindow => $"{rule.RuleId}: counts in its window",
                RuleVerdict.Derives => $"{rule.RuleId}: derives a record of the next stage",
                RuleVerdict.NotEvaluated => $"{rule.RuleId}: NOT EVALUATED" + (rule.ErrorCode is { } code ? $" ({code})" : string.Empty),
                _ => $"{rule.RuleId}: no clue — " + (notTrue.Length > 0 ? string.Join("; ", notTrue) : unmatched.Length > 0 ? string.Join("; ", unmatched) : "the conditions together are not true"),
            });
            foreach (ConditionOutcome condition in rule.Conditions)
            {
                string mark = condition.Value switch { true => "✓", false => "✗", _ => "?" };
                output.WriteLine($"{indent}  {mark} {condition.Condition}  → {Value(condition)}");
                foreach (ComputedValue computed in condition.Computed)
                {
                    output.WriteLine($"{indent}      {computed.Expression} = {computed.Value ?? "NULL"}");
                }
            }

            foreach (JoinedRecord joined in rule.Joined)
            {
                string kind = joined.Kind switch { JoinKind.Left => "left join", JoinKind.Exists => "exists", JoinKind.NotExists => "not exists", _ => "join" };
                string found = joined.WithKey is not { } withKey ? "the record's key is empty: it joins nothing"
                    : string.Create(CultureInfo.InvariantCulture, $"{withKey} {joined.Dataset} record(s) with the key{(joined.Where is null ? string.Empty : $", {joined.Matching} meeting where")}");
                output.WriteLine($"{indent}  {kind} {joined.Alias} on {joined.On}{(joined.Where is null ? string.Empty : $" where {joined.Where}")}: {found}");
                string values = string.Join(", ", joined.Values.Select(v => $"{v.Field} {v.Value}"));
                output.WriteLine(joined switch
                {
                    { Line: { } line } => string.Create(CultureInfo.InvariantCulture, $"{indent}  joined {joined.Alias} = {joined.Dataset}:{line}: {values}"),
                    { Values.Count: > 0 } => $"{indent}  joined {joined.Alias} = aggregates of {joined.Dataset}: {values}",
                    _ => $"{indent}  joined {joined.Alias}: no {joined.Dataset} record matches",
                });
            }

            if (rule.Clue is { } clue)
            {
                // What the prosecutor will see: the title, and each piece of evidence (computed values included).
                output.WriteLine($"{indent}  clue: {clue.Title} (subject {clue.SubjectKey})");
                output.WriteLine($"{indent}    evidence: {string.Join(", ", clue.Evidence.Select(e => $"{e.Field} {Shown(e.Value)}"))}");
            }

            if (rule.Note is { } note)
            {
                output.WriteLine($"{indent}  {note}");
            }

            if (rule.Derived is { } derived)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{indent}  ↳ record of {derived.Dataset} (from line {derived.Line}):"));
                PrintRules(derived, derived.Rules.Where(r => r.ModelId == rule.ModelId), indent + "    ", output);
            }
        }
    }

    /// <summary>An evidence value as a clue file would show it.</summary>
    private static string Shown(object? value) => value switch
    {
        null => "NULL",
        string[] items => "[" + string.Join(", ", items) + "]",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Value(ConditionOutcome condition) => condition.ErrorCode is { } code ? $"not evaluated ({code})" : condition.Value switch
    {
        true => "true",
        false => "false",
        _ => "unknown (a value it reads is empty)",
    };
}
