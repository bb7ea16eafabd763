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
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, cancellation.Token);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    // A file no command checked for itself (the clue file, the dead letters and the inputs say so with their codes):
    // standard output on a full disk under "> clues.txt", a folder that is not there. The system's words name a path at
    // most, no record values.
    return Fail($"error: {e.Message}");
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    return ExitCodes.Cancelled;
}
catch (Exception e)
{
    return Fail("Unhandled exception: " + e);
}

static int Fail(string message)
{
    try
    {
        Console.Error.WriteLine(message);
    }
    catch (IOException)
    {
        // Standard error is gone too: the exit code is all that is left.
    }

    return ExitCodes.ModelErrors;
}

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
