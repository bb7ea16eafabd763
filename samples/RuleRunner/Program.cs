using System.CommandLine;
using System.Text;
using RuleRunner;

Console.OutputEncoding = Encoding.UTF8;
var root = new RootCommand("RuleRunner: run legal supervision models over case records.")
{
    ValidateCommand.Create(),
    TestCommand.Create(),
    RunCommand.Create(),
    SigningCommands.Keygen(),
    SigningCommands.Sign(),
    GenerateCommands.Generate(),
    GenerateCommands.Compare(),
    ReportCommand.Create(),
    ExplainCommand.Create(),
};
ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    return ExitCodes.Usage;
}

return await parse.InvokeAsync();
