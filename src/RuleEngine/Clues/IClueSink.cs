namespace RuleEngine.Clues;

/// <summary>Receives the clues of a run, one at a time, in the run's deterministic order. Implement it to send clues anywhere.</summary>
public interface IClueSink
{
    /// <summary>Receives one clue.</summary>
    /// <param name="clue">The clue.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the clue is accepted.</returns>
    ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default);
}
