using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace RuleEngine.Nats;

/// <summary>
/// Retries a JetStream call through what a cluster does while it heals: a stream or consumer leader election (the API
/// answers 503 or not at all for a few seconds), a reconnect to another server, a server restarting. Waits grow
/// exponentially with full jitter (so thousands of calls failing together do not retry in step) up to a cap, and go on
/// until the caller cancels or <see cref="NatsOptions.RetryFor"/> has passed (by default: for ever). Errors that
/// retrying cannot fix (a refused configuration, a payload too large) are thrown at once. Each attempt is logged at
/// Debug only; the change of state (degraded, recovered) is logged once by <see cref="ClusterHealth"/>.
/// </summary>
internal static class JetStreamRetry
{
    /// <summary>The longest wait between two attempts of one call.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(100);

    public static async Task<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> call, NatsOptions options, ClusterHealth health, string what, CancellationToken cancellationToken)
    {
        long started = health.Time.GetTimestamp();
        TimeSpan ceiling = FirstWait;
        bool failing = false;
        bool answered = false;
        long firstFailure = 0;
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    T result = await call(cancellationToken).ConfigureAwait(false);
                    answered = true;
                    return result;
                }
                catch (Exception e) when (IsTransient(e, cancellationToken) && WithinRetryTime(options, health.Time.GetElapsedTime(started)))
                {
                    TimeSpan wait = Jittered(ceiling);
                    if (!failing)
                    {
                        firstFailure = health.Time.GetTimestamp();
                    }

                    health.Failed(what, e, attempt, wait, firstOfCall: !failing, failingFor: health.Time.GetElapsedTime(firstFailure));
                    failing = true;
                    await Task.Delay(wait, health.Time, cancellationToken).ConfigureAwait(false);
                    ceiling = TimeSpan.FromTicks(Math.Min(ceiling.Ticks * 2, MaxWait.Ticks));
                }
            }
        }
        finally
        {
            if (failing)
            {
                health.CallEnded(answered);
            }
            else if (answered)
            {
                health.Answered();
            }
        }
    }

    public static Task RunAsync(Func<CancellationToken, ValueTask> call, NatsOptions options, ClusterHealth health, string what, CancellationToken cancellationToken) =>
        RunAsync(
            async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            },
            options,
            health,
            what,
            cancellationToken);

    /// <summary>Whether an error is one a healing cluster gives: no responders, a timeout, a lost connection, 503 or 5xx from the API, two answers that disagree.</summary>
    public static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        NatsJSApiException api => api.Error.Code is 408 or >= 500,
        ClusterDisagreementException => true,
        NatsPayloadTooLargeException or NatsJSDuplicateMessageException or NatsDeserializeException or NatsHeaderParseException => false,
        NatsException or TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    private static bool WithinRetryTime(NatsOptions options, TimeSpan elapsed) =>
        options.RetryFor == Timeout.InfiniteTimeSpan || elapsed < options.RetryFor;

    /// <summary>"Full jitter": a wait drawn evenly between a tenth of the ceiling and the ceiling.</summary>
    /// <remarks>Jitter must differ between processes and calls, so it draws from the shared, unseeded generator: it decides only when to retry, never a result.</remarks>
    private static TimeSpan Jittered(TimeSpan ceiling)
    {
#pragma warning disable RS0030 // Random.Shared is banned for results; a retry's wait is not one.
        double draw = Random.Shared.NextDouble();
#pragma warning restore RS0030
        return TimeSpan.FromTicks((long)(ceiling.Ticks * (0.1 + (0.9 * draw))));
    }
}

/// <summary>
/// Whether the JetStream calls of one worker (or publisher, or reader) are failing, as one state for all its calls.
/// It turns degraded — logged once, as a Warning — when some call has kept failing for a second (a blip that a retry
/// mends within the second, such as the 503s of a forming cluster, is logged at Debug only), and recovered — logged
/// once, as Information, with how long it lasted and how many attempts failed — when a call is answered and no call
/// is failing any more. Calls that give up (cancelled: a worker stopping) leave the state as it is. Single attempts
/// are logged at Debug. A cluster electing a leader for ten seconds under four thousand clue publishes in flight gives
/// two lines, not a hundred thousand.
/// </summary>
internal sealed class ClusterHealth(ILogger logger, TimeProvider time)
{
    /// <summary>How long a call must keep failing before the state is degraded.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    private int _failingCalls;
    private int _degraded;
    private long _degradedSince;
    private long _failedAttempts;
    private long _outages;

    public ClusterHealth(ILogger logger)
        : this(logger, TimeProvider.System)
    {
    }

    public ILogger Logger { get; } = logger;

    public TimeProvider Time { get; } = time;

    /// <summary>Gets whether the calls are degraded now.</summary>
    public bool IsDegraded => Volatile.Read(ref _degraded) == 1;

    /// <summary>Gets how many attempts have failed with a transient error.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Gets how many times the state went from healthy to degraded.</summary>
    public long Outages => Interlocked.Read(ref _outages);

    /// <summary>An attempt of a call failed with a transient error; the call has been failing for <paramref name="failingFor"/>.</summary>
    public void Failed(string what, Exception error, int attempt, TimeSpan wait, bool firstOfCall, TimeSpan failingFor)
    {
        Interlocked.Increment(ref _failedAttempts);
        if (firstOfCall)
        {
            Interlocked.Increment(ref _failingCalls);
        }

        if (failingFor >= Patience && Interlocked.CompareExchange(ref _degraded, 1, 0) == 0)
        {
            Volatile.Write(ref _degradedSince, Time.GetTimestamp());
            Interlocked.Increment(ref _outages);
            Log.Degraded(Logger, what, error.GetType().Name);
        }

        Log.Retrying(Logger, what, attempt, error.GetType().Name, wait.TotalMilliseconds);
    }

    /// <summary>A call that had failed ended: answered, or given up (cancelled, out of retry time).</summary>
    public void CallEnded(bool answered)
    {
        if (Interlocked.Decrement(ref _failingCalls) == 0 && answered)
        {
            Recover();
        }
    }

    /// <summary>A call was answered at its first attempt.</summary>
    public void Answered()
    {
        if (Volatile.Read(ref _degraded) == 1 && Volatile.Read(ref _failingCalls) == 0)
        {
            Recover();
        }
    }

    private void Recover()
    {
        if (Interlocked.CompareExchange(ref _degraded, 0, 1) == 1)
        {
            Log.Recovered(Logger, Time.GetElapsedTime(Volatile.Read(ref _degradedSince)).TotalSeconds, Interlocked.Read(ref _failedAttempts));
        }
    }
}

/// <summary>The library's log messages (source-generated; they name datasets, subjects and counts, never record values).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "JetStream call '{What}' failed ({Error}), attempt {Attempt}; retrying in {WaitMs:F0} ms")]
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

    [LoggerMessage(7, LogLevel.Warning, "JetStream degraded: '{What}' failed ({Error}); calls are retried with backoff until the cluster answers")]
    public static partial void Degraded(ILogger logger, string what, string error);

    [LoggerMessage(8, LogLevel.Information, "JetStream recovered after {Seconds:F1} s ({FailedAttempts} failed attempts in all so far)")]
    public static partial void Recovered(ILogger logger, double seconds, long failedAttempts);
}
