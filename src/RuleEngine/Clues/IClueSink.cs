namespace RuleEngine.Clues;

/// <summary>Receives the clues of a run, one at a time, in the run's deterministic order. Implement it to send clues anywhere.</summary>
public interface IClueSink
{
    /// <summary>Receives one clue.</summary>
    /// <param name="clue">The clue.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the clue is accepted.</returns>
    ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes out the clues the sink still holds (a buffer, a batch). A run calls it once it has handed over its last
    /// clue, so that a sink that cannot write them (a full disk, a closed connection) fails the run with RE5013 and the
    /// run's summary, rather than failing later, when the sink is disposed, after the run has reported success. The
    /// default does nothing: a sink that holds nothing back need not implement it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the clues are written.</returns>
    ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
