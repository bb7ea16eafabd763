using System.Data.Common;
using System.Globalization;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.ClueStore;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>
/// <c>run --store</c>: the clue store a run also writes to. Opened (and migrated) before the run, it records the
/// run's models and inputs by hash; the run's clues go both to the clue file and to the store; completing it prints
/// what the run did to the store's clues. A run that fails or is cancelled is recorded as failed when disposed.
/// </summary>
internal sealed class StoreTarget : IAsyncDisposable
{
    private readonly ClueStore _store;
    private readonly ClueStoreRun _run;
    private readonly string _target;

    private StoreTarget(ClueStore store, ClueStoreRun run, string target)
    {
        _store = store;
        _run = run;
        _target = target;
    }

    /// <summary>Opens the store and begins the run; on failure says why on standard error and returns <see langword="null"/>.</summary>
    public static async Task<StoreTarget?> BeginAsync(string target, ModelSet models, IReadOnlyList<(string Dataset, string Path)> files, string? region, IReadOnlyList<string> parameters, bool reveal, CancellationToken cancellationToken)
    {
        ClueStore? store = null;
        try
        {
            store = await ClueStore.OpenAsync(target, cancellationToken: cancellationToken);
            ClueStoreRun run = await store.BeginRunAsync(
                new ClueStoreRunInfo
                {
                    Region = region ?? string.Empty,
                    Models = [.. models.Models.OrderBy(m => m.Id, StringComparer.Ordinal).Select(m => new RunModel(m.Id, m.Version, File.Exists(m.Path) ? RunRecord.Hash(m.Path) : string.Empty))],
                    Inputs = [.. files.Select(f => new RunInput(f.Dataset, Path.GetFileName(f.Path), RunRecord.Hash(f.Path)))],
                    Parameters = parameters.Select(p => p.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0].Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.Ordinal),
                    PersonalDataRevealed = reveal,
                },
                cancellationToken);
            return new StoreTarget(store, run, Shown(target));
        }
        catch (Exception e) when (e is ClueStoreException or DbException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }

            await Console.Error.WriteLineAsync($"--store: cannot open the clue store {Shown(target)}: {(e is ClueStoreException c ? c.Code + " " : string.Empty)}{e.Message}");
            return null;
        }
    }

    /// <summary>The run's sink, or a sink that writes to it and to the store.</summary>
    public static IClueSink Tee(IClueSink sink, StoreTarget? store) => store is null ? sink : new TeeSink(sink, store._run);

    /// <summary>Completes the run in the store and says what it did there.</summary>
    public async Task<string> CompleteAsync(RunSummary summary, CancellationToken cancellationToken)
    {
        StoredRun run = await _run.CompleteAsync(summary, cancellationToken);
        string notReproduced = run.Status == RunStatus.CompletedWithLosses
            ? "none marked not reproduced (records were lost)"
            : string.Create(CultureInfo.InvariantCulture, $"{run.NotReproduced} not reproduced");
        return string.Create(CultureInfo.InvariantCulture, $"Clue store {_target}: run {run.Id} — {run.NewClues} new, {run.SeenAgain} seen again, {run.Reopened} reopened, {notReproduced}.");
    }

    public async ValueTask DisposeAsync()
    {
        await _run.DisposeAsync();
        await _store.DisposeAsync();
    }

    /// <summary>The store as messages may show it: a file's path, or a connection string without its password.</summary>
    internal static string Shown(string target) =>
        target.Contains("Host=", StringComparison.OrdinalIgnoreCase)
            ? string.Join(';', target.Split(';').Where(p => !p.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase)))
            : target;

    private sealed class TeeSink(IClueSink first, IClueSink second) : IClueSink
    {
        public async ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            await first.WriteAsync(clue, cancellationToken);
            await second.WriteAsync(clue, cancellationToken);
        }

        public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
        {
            await first.FlushAsync(cancellationToken);
            await second.FlushAsync(cancellationToken);
        }
    }
}
