using Microsoft.Extensions.Logging;

namespace RuleEngine.Hosting.Tests;

/// <summary>Keeps every log entry's event id and message, for tests.</summary>
internal sealed class CollectingLogger : ILoggerProvider, ILogger
{
    public List<(int EventId, string Message)> Entries { get; } = [];

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
        {
            Entries.Add((eventId.Id, formatter(state, exception)));
        }
    }
}
