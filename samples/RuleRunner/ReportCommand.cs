using System.CommandLine;
using System.Text;
using RuleEngine.Yaml;
using RuleRunner.Reporting;

namespace RuleRunner;

/// <summary><c>report</c>: draws a clue file as one self-contained HTML page.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var clues = new Option<FileInfo>("--clues", "-c") { Description = "A clue file written by run --out (JSON Lines).", Required = true };
        var output = new Option<FileInfo>("--out", "-o") { Description = "The HTML file to write.", Required = true };
        var modelsPath = new Option<string?>("--models", "-m") { Description = "The model folder, for model names, supervision points, legal basis and the datasets' column names." };
        var language = new Option<string>("--lang") { Description = "The report's language: zh (the default) or en.", DefaultValueFactory = _ => "zh" };
        var tableRows = new Option<int>("--table-rows") { Description = "How many clues the table details (the rest are found by search).", DefaultValueFactory = _ => HtmlReport.DefaultTableRows };
        var outcomes = new Option<FileInfo?>("--outcomes") { Description = "Verification outcomes, a CSV of fingerprint,outcome (confirmed, rejected or pending), for hit rates." };
        var command = new Command("report", "Draw a clue file as one self-contained HTML report: charts, hit rates, and the clues with their evidence, personal values masked.") { clues, output, modelsPath, language, tableRows, outcomes };
        command.SetAction(parse => Run(parse.GetValue(clues)!, parse.GetValue(output)!, parse.GetValue(modelsPath), parse.GetValue(outcomes), parse.GetValue(language)!, Math.Max(0, parse.GetValue(tableRows))));
        return command;
    }

    private static int Run(FileInfo clues, FileInfo output, string? modelsPath, FileInfo? outcomes, string language, int tableRows)
    {
        if (!clues.Exists)
        {
            Console.Error.WriteLine($"--clues: file '{clues}' does not exist.");
            return ExitCodes.Usage;
        }

        if (OutputGuard.Overwrites([("--out", output.FullName)], [("the clue file", clues.FullName), .. outcomes is null ? [] : new[] { ("the outcomes file", outcomes.FullName) }]) is { } overwrite)
        {
            Console.Error.WriteLine(overwrite);
            return ExitCodes.Usage;
        }

        if (ReportText.For(language) is not { } text)
        {
            Console.Error.WriteLine($"--lang: '{language}' is not zh or en.");
            return ExitCodes.Usage;
        }

        var models = new Dictionary<string, ModelInfo>(StringComparer.Ordinal);
        var fieldLabels = new Dictionary<(string Dataset, string Field), string>();
        if (modelsPath is not null)
        {
            ModelSet set = ModelLoading.Load(modelsPath, new ModelLoadOptions { ScriptCompiler = new RuleEngine.Scripting.ScriptRuleCompiler(new RuleEngine.Scripting.ScriptLimits(), RuleEngine.Scripting.ScriptTrust.Untrusted) }, Console.Error);
            foreach (SupervisionModel model in set.Models)
            {
                models[model.Id] = new ModelInfo(model.Name, model.Version, model.Branch ?? "—", model.SupervisionPoint, [.. model.LegalBasis.Select(b => $"《{b.Law.Trim('《', '》')}》{b.Article}{(b.Text is { } quoted ? "：" + quoted : string.Empty)}")]);
            }

            // Evidence under the datasets' own column names (公民身份号码), as the people who read the report know them.
            foreach (DatasetDefinition dataset in set.Datasets.Values)
            {
                foreach (RuleEngine.Schema.FieldDefinition field in dataset.Schema.Fields)
                {
                    fieldLabels[(dataset.Schema.Name, field.Name)] = field.SourceName;
                }
            }
        }

        var verdicts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (outcomes is not null)
        {
            if (!outcomes.Exists)
            {
                Console.Error.WriteLine($"--outcomes: file '{outcomes}' does not exist.");
                return ExitCodes.Usage;
            }

            foreach (string line in File.ReadLines(outcomes.FullName).Skip(1))
            {
                string[] cells = line.Split(',', 2);
                if (cells.Length == 2)
                {
                    verdicts[cells[0].Trim()] = cells[1].Trim().ToLowerInvariant();
                }
            }
        }

        try
        {
            File.WriteAllText(output.FullName, HtmlReport.Render(clues.FullName, ClueFile.Read(clues.FullName), models, verdicts, fieldLabels, RunRecord.ReadFor(clues.FullName), text, tableRows), new UTF8Encoding(false));
        }
        catch (System.Text.Json.JsonException e)
        {
            Console.Error.WriteLine($"--clues: '{clues}' is not a clue file written by run --out ({e.Message}).");
            return ExitCodes.Usage;
        }

        Console.WriteLine($"Wrote {output.FullName}");
        return ExitCodes.Success;
    }
}
