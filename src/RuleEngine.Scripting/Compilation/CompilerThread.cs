using System.Runtime.ExceptionServices;

namespace RuleEngine.Scripting.Compilation;

/// <summary>
/// Runs the C# compiler on a thread of its own, with a large stack (it recurses over the syntax) and a time limit
/// (overload resolution over nested lambdas can take minutes): for rule scripts and session submissions alike.
/// </summary>
internal static class CompilerThread
{
    private const int StackSize = 64 * 1024 * 1024;

    /// <summary>Runs <paramref name="compile"/>; <see langword="false"/> when it did not finish within <paramref name="timeout"/>.</summary>
    /// <remarks>An exception of <paramref name="compile"/> is rethrown on the caller's thread.</remarks>
    public static bool TryRun<T>(Func<T> compile, TimeSpan timeout, out T? result)
    {
        T? value = default;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    value = compile();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
            },
            StackSize)
        {
            IsBackground = true,
            Name = "RuleEngine script compiler",
        };
        thread.Start();
        if (!thread.Join(timeout))
        {
            result = default;
            return false;
        }

        failure?.Throw();
        result = value;
        return true;
    }
}
