using System.CommandLine;
using System.Globalization;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary><c>test</c>: runs the tests written in the model files; exit 0 when all pass, 1 otherwise.</summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("models") { Description = "A folder of model and dataset files, or one model file." };
        var load = new LoadOptions();
        var command = new Command("test", "Run the tests written in the model files.") { path };
        load.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (load.Read(parse) is not { } options)
            {
                return ExitCodes.Usage;
            }

            ModelSet models = ModelLoading.Load(parse.GetValue(path)!, options, Console.Out);
            if (models.HasErrors)
            {
                return ExitCodes.ModelErrors;
            }

            ModelTestReport report = await ModelTestRunner.RunAsync(models, cancellationToken);
            foreach (ModelTestResult result in report.Results)
            {
                Console.WriteLine($"{(result.Passed ? "PASS" : "FAIL")}  {result.ModelId}  {result.TestName}");
                foreach (string failure in result.Failures)
                {
                    Console.WriteLine($"      {Path.GetRelativePath(Environment.CurrentDirectory, result.Location.Path ?? ".")}({result.Location.Line},{result.Location.Column}): {failure}");
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Model tests: {report.PassedCount} of {report.Results.Count} pass."));
            return report.Passed ? ExitCodes.Success : ExitCodes.ModelErrors;
        });
        return command;
    }
}
