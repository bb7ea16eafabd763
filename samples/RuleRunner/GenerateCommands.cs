using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary><c>gen</c> writes synthetic data with planted hits and the expected clues; <c>compare</c> checks a run against them.</summary>
internal static class GenerateCommands
{
    public static Command Generate()
    {
        var models = new Option<string>("--models", "-m") { Description = "A folder of model and dataset files.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "The folder to write the data files and expected-clues.tsv into.", Required = true };
        var records = new Option<int>("--records") { Description = "The least number of records for each model's own dataset.", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "The seed; the same seed writes the same files.", DefaultValueFactory = _ => 1 };
        var command = new Command("gen", "Write synthetic data for the models, with planted hits and near misses and the clues they must produce.") { models, output, records, seed };
        command.SetAction(parse =>
        {
            if (parse.GetValue(records) < 1)
            {
                Console.Error.WriteLine("--records: give a number of records of at least 1.");
                return ExitCodes.Usage;
            }

            ModelSet set = ModelLoading.Load(parse.GetValue(models)!, new ModelLoadOptions { ScriptCompiler = new RuleEngine.Scripting.ScriptRuleCompiler(new RuleEngine.Scripting.ScriptLimits(), RuleEngine.Scripting.ScriptTrust.Untrusted) }, Console.Error);
            if (set.HasErrors)
            {
                return ExitCodes.ModelErrors;
            }

            GeneratedData data = ModelDataGenerator.Generate(set, parse.GetValue(output)!, new DataGenerationOptions { RecordsPerModel = parse.GetValue(records), Seed = parse.GetValue(seed) });
            foreach ((string dataset, long count) in data.RecordsPerDataset.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dataset}: {count} records"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Expected clues: {data.ExpectedClues.Count} (expected-clues.tsv)"));
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Compare()
    {
        var clues = new Option<FileInfo>("--clues") { Description = "A clue file written by run --out, with personal data revealed.", Required = true };
        var expected = new Option<FileInfo>("--expected") { Description = "expected-clues.tsv written by gen.", Required = true };
        var command = new Command("compare", "Compare the clues of a run with the expected clues: same rules, same subjects, as many of each.") { clues, expected };
        command.SetAction(parse =>
        {
            FileInfo clueFile = parse.GetValue(clues)!;
            FileInfo expectedFile = parse.GetValue(expected)!;
            foreach ((string option, FileInfo file) in new[] { ("--clues", clueFile), ("--expected", expectedFile) }.Where(f => !f.Item2.Exists))
            {
                Console.Error.WriteLine($"{option}: file '{file}' does not exist.");
                return ExitCodes.Usage;
            }

            var actual = new List<string>();
            long number = 0;
            foreach (string line in File.ReadLines(clueFile.FullName))
            {
                number++;
                if (line.Length == 0)
                {
                    continue;
                }

                if (RuleAndSubject(line) is not { } clue)
                {
                    // The line's text is a clue's personal data: say where it is, not what it holds.
                    Console.Error.WriteLine($"--clues: line {number} of '{clueFile}' is not a clue written by run --out (a JSON object with a \"rule\" and a \"subject\").");
                    return ExitCodes.Usage;
                }

                actual.Add(clue);
            }

            List<string> wanted = [.. File.ReadLines(expectedFile.FullName).Where(l => l.Length > 0)];
            var missing = Difference(wanted, actual);
            var unexpected = Difference(actual, wanted);
            foreach (string line in missing.Take(20))
            {
                Console.WriteLine($"missing     {line}");
            }

            foreach (string line in unexpected.Take(20))
            {
                Console.WriteLine($"unexpected  {line}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{wanted.Count} expected clues, {actual.Count} produced: {missing.Count} missing, {unexpected.Count} unexpected."));

            // Masked subjects (110105********8860) can never equal the expected ones: say so rather than list every clue twice.
            if (missing.Count > 0 && unexpected.Any(line => line.Contains('*', StringComparison.Ordinal)))
            {
                Console.WriteLine("The clue file's subjects are masked (*): compare needs the clues of a run with --reveal-personal-data.");
            }

            return missing.Count == 0 && unexpected.Count == 0 ? ExitCodes.Success : ExitCodes.ModelErrors;
        });
        return command;
    }

    /// <summary>A clue line's rule and subject, tab-separated; <see langword="null"/> when the line is not a clue.</summary>
    private static string? RuleAndSubject(string line)
    {
        try
        {
            using JsonDocument clue = JsonDocument.Parse(line);
            return clue.RootElement.ValueKind == JsonValueKind.Object
                && clue.RootElement.TryGetProperty("rule", out JsonElement rule) && rule.ValueKind == JsonValueKind.String
                && clue.RootElement.TryGetProperty("subject", out JsonElement subject) && subject.ValueKind == JsonValueKind.String
                ? rule.GetString() + "\t" + subject.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The lines of <paramref name="left"/> not matched one-for-one in <paramref name="right"/>.</summary>
    private static List<string> Difference(List<string> left, List<string> right)
    {
        var counts = right.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<string>();
        foreach (string line in left)
        {
            if (counts.TryGetValue(line, out int count) && count > 0)
            {
                counts[line] = count - 1;
            }
            else
            {
                result.Add(line);
            }
        }

        return result;
    }
}
