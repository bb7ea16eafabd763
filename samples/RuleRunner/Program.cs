using System.CommandLine;
using System.Runtime.InteropServices;
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
    EvalCommands.Eval(),
    EvalCommands.Repl(),
    SqlCommand.Create(),
    StoreCommands.Clues(),
    StoreCommands.Runs(),
    StoreCommands.Diff(),
    StoreCommands.Stats(),
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

// Ctrl+C (SIGINT) and SIGTERM cancel the command's token: a run stops at a batch boundary, its last checkpoint stands,
// and it says how to resume. Registered here, first thing, so a signal is never the runtime's immediate kill.
using var cancellation = new CancellationTokenSource();
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
Checkpointer.ProcessCancelled = cancellation.Token;
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancellation.Token);

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
