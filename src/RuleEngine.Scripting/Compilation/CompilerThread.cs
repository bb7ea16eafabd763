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

    /// <summary>
    /// Runs <paramref name="body"/> for 0 … <paramref name="count"/> − 1 on as many threads of its own as there are
    /// cores, each with the compiler's large stack; returns when all are done.
    /// </summary>
    /// <remarks>The first exception of <paramref name="body"/> is rethrown on the caller's thread.</remarks>
    public static void ForEach(int count, Action<int> body)
    {
        int threads = Math.Min(count, Environment.ProcessorCount);
        if (threads <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        int next = -1;
        ExceptionDispatchInfo? failure = null;
        Thread[] workers = [.. Enumerable.Range(0, threads).Select(_ => new Thread(
            () =>
            {
                try
                {
                    for (int i = Interlocked.Increment(ref next); i < count && failure is null; i = Interlocked.Increment(ref next))
                    {
                        body(i);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                }
            },
            StackSize)
        {
            IsBackground = true,
            Name = "RuleEngine script compiler",
        })];
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        failure?.Throw();
    }
}
