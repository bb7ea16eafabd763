using System.Runtime.CompilerServices;
using System.Threading.Channels;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine;

/// <summary>
/// Compiled rules, immutable and safe to share between threads and runs. A run streams records from
/// sources through the rules of their dataset and emits clues in a deterministic order, whatever the parallelism.
/// Build one with <see cref="RuleSetBuilder"/>.
/// </summary>
public sealed class RuleSet
{
    private readonly IReadOnlyDictionary<string, CompiledDataset> _datasets;

    internal RuleSet(IReadOnlyList<RuleDefinition> rules, IReadOnlyDictionary<string, CompiledDataset> datasets, IReadOnlyList<Diagnostic> diagnostics)
    {
        Rules = rules;
        _datasets = datasets;
        Diagnostics = diagnostics;
        Datasets = datasets.ToDictionary(d => d.Key, d => d.Value.Schema, StringComparer.Ordinal);
    }

    /// <summary>Gets the rules, in the order they were added.</summary>
    public IReadOnlyList<RuleDefinition> Rules { get; }

    /// <summary>Gets the warnings found while compiling (errors would have stopped the build).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Gets the schemas of the datasets the rule set reads, by name.</summary>
    public IReadOnlyDictionary<string, DatasetSchema> Datasets { get; }

    /// <summary>Runs the rules over one source and sends the clues to a sink.</summary>
    /// <param name="source">The records.</param>
    /// <param name="sink">Receives the clues in order.</param>
    /// <param name="options">How to run; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="BadRecordLimitExceededException">More records failed than <see cref="RunOptions.BadRecords"/> allows.</exception>
    /// <exception cref="RecordSourceException">A source cannot be read at all (for example a required column is missing).</exception>
    public Task<RunSummary> RunAsync(RecordSource source, IClueSink sink, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return RunAsync([source], sink, options, cancellationToken);
    }

    /// <summary>Runs the rules over several sources, one after another, and sends the clues to a sink.</summary>
    /// <param name="sources">The records; each goes to the rules of its dataset.</param>
    /// <param name="sink">Receives the clues in order.</param>
    /// <param name="options">How to run; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="BadRecordLimitExceededException">More records failed than <see cref="RunOptions.BadRecords"/> allows.</exception>
    /// <exception cref="RecordSourceException">A source cannot be read at all (for example a required column is missing).</exception>
    public async Task<RunSummary> RunAsync(IEnumerable<RecordSource> sources, IClueSink sink, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(sink);
        options ??= new RunOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDegreeOfParallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        var plan = sources.Select(source => (Source: source, Dataset: Resolve(source))).ToList();

        var statistics = new RunStatistics(options, _datasets.Values.SelectMany(d => d.Rules).Select(r => r.Definition.Id));
        long started = options.TimeProvider.GetTimestamp();
        foreach ((RecordSource source, CompiledDataset dataset) in plan)
        {
            bool stopped = await RunPipeline.RunAsync(source, dataset, sink, options, statistics, cancellationToken).ConfigureAwait(false);
            if (stopped)
            {
                throw new BadRecordLimitExceededException(statistics.ToSummary(options.TimeProvider.GetElapsedTime(started), stoppedByPolicy: true));
            }
        }

        return statistics.ToSummary(options.TimeProvider.GetElapsedTime(started), stoppedByPolicy: false);
    }

    /// <summary>Runs the rules over one source and yields the clues as they are found, in order.</summary>
    /// <param name="source">The records.</param>
    /// <param name="options">How to run; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The clues.</returns>
    /// <exception cref="BadRecordLimitExceededException">More records failed than <see cref="RunOptions.BadRecords"/> allows.</exception>
    public async IAsyncEnumerable<Clue> EvaluateAsync(RecordSource source, RunOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        Resolve(source);
        var channel = Channel.CreateBounded<Clue>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task run = Task.Run(
            async () =>
            {
                try
                {
                    await RunAsync(source, new ChannelClueSink(channel.Writer), options, stop.Token).ConfigureAwait(false);
                    channel.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    channel.Writer.TryComplete(e);
                }
            },
            CancellationToken.None);
        try
        {
            await foreach (Clue clue in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return clue;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await run.ConfigureAwait(false);
        }
    }

    private CompiledDataset Resolve(RecordSource source)
    {
        if (!_datasets.TryGetValue(source.Dataset, out CompiledDataset? dataset))
        {
            throw new ArgumentException($"The rule set declares no dataset '{source.Dataset}'.", nameof(source));
        }

        if (!ReferenceEquals(source.Schema, dataset.Schema) && !source.Schema.Fields.SequenceEqual(dataset.Schema.Fields))
        {
            throw new ArgumentException($"The source's schema of '{source.Dataset}' differs from the one the rule set was compiled with.", nameof(source));
        }

        return dataset;
    }

    private sealed class ChannelClueSink(ChannelWriter<Clue> writer) : IClueSink
    {
        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default) => writer.WriteAsync(clue, cancellationToken);
    }
}
