using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace RuleEngine.Nats.Tests.Support;

/// <summary>Writes the library's log lines to the test's output (shown when a test fails), with the time since the test began.</summary>
internal sealed class TestLogger<T>(ITestOutputHelper output, string name, System.Diagnostics.Stopwatch clock) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string line = $"{clock.Elapsed.TotalSeconds,7:F2}s {name} {logLevel}: {formatter(state, exception)}";
        if (Environment.GetEnvironmentVariable("RE_TEST_LOG") is { Length: > 0 } file)
        {
            lock (clock)
            {
                File.AppendAllLines(file, [line]);
            }
        }

        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has ended; a worker still stopping has nowhere to write.
        }
    }
}
