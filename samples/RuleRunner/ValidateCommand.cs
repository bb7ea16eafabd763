using System.CommandLine;
using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary><c>validate</c>: reads model files and prints every problem; exit 0 when there is no error, 1 otherwise.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("models") { Description = "A folder of model and dataset files, or one model file." };
        var load = new LoadOptions();
        var command = new Command("validate", "Check model files and print every problem with its file, line, column and code.") { path };
        load.AddTo(command);
        command.SetAction(parse =>
        {
            if (load.Read(parse) is not { } options)
            {
                return ExitCodes.Usage;
            }

            ModelSet models = ModelLoading.Load(parse.GetValue(path)!, options, Console.Out);
            int errors = models.Diagnostics.Count(d => d.IsError);
            int warnings = models.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{models.Models.Count} model(s), {models.Datasets.Count} dataset(s): {errors} error(s), {warnings} warning(s)."));
            return errors > 0 ? ExitCodes.ModelErrors : ExitCodes.Success;
        });
        return command;
    }
}
