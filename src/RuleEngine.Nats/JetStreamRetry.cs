using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace RuleEngine.Nats;

/// <summary>
/// Retries a JetStream call through what a cluster does while it heals: a stream or consumer leader election (the API
/// answers 503 or not at all for a few seconds), a reconnect to another server. Errors that retrying cannot fix
/// (a refused configuration, a payload too large) are thrown at once.
/// </summary>
internal static class JetStreamRetry
{
    public static async Task<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> call, NatsOptions options, ILogger logger, string what, CancellationToken cancellationToken)
    {
        TimeProvider time = TimeProvider.System;
        long started = time.GetTimestamp();
        TimeSpan wait = TimeSpan.FromMilliseconds(100);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && time.GetElapsedTime(started) < options.RetryFor)
            {
                Log.Retrying(logger, what, attempt, e.GetType().Name, wait.TotalMilliseconds);
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 2000));
            }
        }
    }

    public static Task RunAsync(Func<CancellationToken, ValueTask> call, NatsOptions options, ILogger logger, string what, CancellationToken cancellationToken) =>
        RunAsync(
            async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            },
            options,
            logger,
            what,
            cancellationToken);

    /// <summary>Whether an error is one a healing cluster gives: no responders, a timeout, a lost connection, 503 or 5xx from the API.</summary>
    public static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        NatsJSApiException api => api.Error.Code is 408 or >= 500,
        NatsPayloadTooLargeException or NatsJSDuplicateMessageException or NatsDeserializeException or NatsHeaderParseException => false,
        NatsException or TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        _ => false,
    };
}

/// <summary>The library's log messages (source-generated; they name datasets, subjects and counts, never record values).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "JetStream call '{What}' failed ({Error}), attempt {Attempt}; retrying in {WaitMs} ms")]
    public static partial void Retrying(ILogger logger, string what, int attempt, string error, double waitMs);

    [LoggerMessage(2, LogLevel.Information, "Consumer {Consumer}: rebuilding window state from {Messages} acknowledged messages (stream sequence up to {Sequence})")]
    public static partial void Replaying(ILogger logger, string consumer, long messages, ulong sequence);

    [LoggerMessage(3, LogLevel.Information, "Consumer {Consumer}: load finished: {Records} records read, {Rejected} rejected, {Clues} clues; peak window state {WindowState}")]
    public static partial void LoadFinished(ILogger logger, string consumer, long records, long rejected, long clues, long windowState);

    [LoggerMessage(4, LogLevel.Error, "Consumer {Consumer} stopped: {Error}")]
    public static partial void ConsumerFailed(ILogger logger, string consumer, string error);

    [LoggerMessage(5, LogLevel.Information, "Worker {Worker}/{Workers} started: {Consumers} consumers ({Keyed} keyed partitions)")]
    public static partial void WorkerStarted(ILogger logger, int worker, int workers, int consumers, int keyed);

    [LoggerMessage(6, LogLevel.Information, "Published dataset {Dataset}: {Records} entries in {Messages} messages over {Partitions} partitions")]
    public static partial void Published(ILogger logger, string dataset, long records, long messages, int partitions);
}
