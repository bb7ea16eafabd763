using RuleEngine.Clues;

namespace RuleEngine.Benchmarks.EndToEnd;

/// <summary>Counts clues and keeps none: what an end-to-end benchmark needs of a sink.</summary>
internal sealed class CountingSink : IClueSink
{
    public long Count { get; private set; }

    public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        Count++;
        return ValueTask.CompletedTask;
    }
}
