using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace RuleEngine.Nats;

/// <summary>Reads what the workers stored: the clue stream and the dead-letter stream, from their first message.</summary>
public static class NatsClueReader
{
    /// <summary>
    /// Reads every clue stored so far, in the order it was stored, as a JSON line in the format of
    /// <see cref="Clues.JsonLinesClueSink"/> (the format <c>rulerunner report</c> and <c>compare</c> read).
    /// </summary>
    /// <param name="connection">A connection to the cluster.</param>
    /// <param name="options">The deployment's options; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The clues stored up to the moment of the call.</returns>
    public static IAsyncEnumerable<string> ReadCluesAsync(INatsConnection connection, NatsOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NatsOptions();
        options.Validate();
        return ReadAsync(connection, options, options.StreamPrefix + "_CLUES", cancellationToken);
    }

    /// <summary>
    /// Reads every dead letter stored so far: a record a worker could not read or evaluate, as a JSON line in the
    /// format of <see cref="Records.JsonLinesDeadLetterSink"/> (dataset, line, code, field, rule, message; no values).
    /// </summary>
    /// <param name="connection">A connection to the cluster.</param>
    /// <param name="options">The deployment's options; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The dead letters stored up to the moment of the call.</returns>
    public static IAsyncEnumerable<string> ReadDeadLettersAsync(INatsConnection connection, NatsOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NatsOptions();
        options.Validate();
        return ReadAsync(connection, options, options.StreamPrefix + "_DEAD", cancellationToken);
    }

    private static async IAsyncEnumerable<string> ReadAsync(INatsConnection connection, NatsOptions options, string stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var js = new NatsJSContext(connection);
        var health = new ClusterHealth(NullLogger.Instance);
        INatsJSStream info = await JetStreamRetry.RunAsync(async token => await js.GetStreamAsync(stream, cancellationToken: token).ConfigureAwait(false), options, health, "stream info " + stream, cancellationToken).ConfigureAwait(false);
        ulong last = info.Info.State.LastSeq;
        if (info.Info.State.Messages == 0)
        {
            yield break;
        }

        // Through the reader with deadlines, not the client's ordered consumer, which can wait for ever on a consumer
        // whose server was restarted.
        await foreach (INatsJSMsg<byte[]> message in SubjectReader.ReadAsync(js, stream, options.SubjectPrefix + (stream.EndsWith("_CLUES", StringComparison.Ordinal) ? ".clues.>" : ".dead.>"), 1, options, health, wholeStream: true, cancellationToken).ConfigureAwait(false))
        {
            yield return Encoding.UTF8.GetString(message.Data ?? []).TrimEnd('\n');
            if ((message.Metadata?.Sequence.Stream ?? last) >= last)
            {
                yield break;
            }
        }
    }
}
