using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Scripting;
using RuleEngine.Yaml;

namespace RuleEngine.Hosting;

/// <summary>The models a host runs at one moment: loaded, validated and compiled together.</summary>
/// <param name="Models">The model set.</param>
/// <param name="Rules">The compiled rule set.</param>
/// <param name="Version">1 for the first load, then one more for each reload that succeeded.</param>
public sealed record ModelSnapshot(ModelSet Models, RuleSet Rules, int Version);

/// <summary>
/// Holds the compiled models of a host and runs them. A reload loads, validates and compiles the folder in the
/// background and swaps the new set in atomically; a folder with errors leaves the running set untouched and logs its
/// diagnostics. A run keeps the set it started with, so a reload never interrupts it. Logs through
/// <see cref="ILogger"/> (event ids 1–5, no personal data), metrics on the <c>RuleEngine</c> meter, a trace activity
/// per run.
/// </summary>
/// <threadsafety static="true" instance="true"/>
public sealed partial class ModelHost : IDisposable
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string TelemetryName = "RuleEngine";

    private static readonly ActivitySource Activities = new(TelemetryName);
    private readonly RuleEngineOptions _options;
    private readonly ILogger<ModelHost> _logger;
    private readonly Meter _meter = new(TelemetryName);
    private readonly Counter<long> _recordsRead;
    private readonly Counter<long> _recordsRejected;
    private readonly Counter<long> _ruleErrors;
    private readonly Counter<long> _clues;
    private readonly Histogram<double> _runDuration;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private ModelSnapshot? _current;

    /// <summary>Initializes a new instance of the <see cref="ModelHost"/> class.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger.</param>
    public ModelHost(IOptions<RuleEngineOptions> options, ILogger<ModelHost> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _recordsRead = _meter.CreateCounter<long>("ruleengine.records.read", "{record}", "Records read by runs.");
        _recordsRejected = _meter.CreateCounter<long>("ruleengine.records.rejected", "{record}", "Records that could not be read.");
        _ruleErrors = _meter.CreateCounter<long>("ruleengine.rule.errors", "{evaluation}", "Rules that could not be evaluated on a record.");
        _clues = _meter.CreateCounter<long>("ruleengine.clues", "{clue}", "Clues emitted, by rule.");
        _runDuration = _meter.CreateHistogram<double>("ruleengine.run.duration", "s", "How long runs took.");
    }

    /// <summary>Raised after a reload swapped a new set in.</summary>
    public event EventHandler<ModelSnapshot>? Reloaded;

    /// <summary>Gets the models running now; <see langword="null"/> before the first successful load.</summary>
    public ModelSnapshot? Current => Volatile.Read(ref _current);

    /// <summary>Gets how many errors the last load of the folder had: 0 when it was swapped in.</summary>
    public int LastLoadErrors { get; private set; }

    /// <summary>Gets when the folder was last loaded, successfully or not; <see langword="null"/> before the first load.</summary>
    public DateTimeOffset? LastLoadTime { get; private set; }

    /// <summary>Loads, validates and compiles the model folder and, when it has no error, swaps it in.</summary>
    /// <param name="cancellationToken">Cancels waiting for another reload.</param>
    /// <returns>Whether the new set is running; when not, the previous set runs on and the diagnostics were logged.</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ModelSnapshot? previous = Current;
            ModelSet models = await Task.Run(() => ModelSet.Load(_options.ModelsPath, new ModelLoadOptions { ScriptCompiler = ScriptCompiler() }), cancellationToken).ConfigureAwait(false);
            IReadOnlyList<Diagnostic> errors = [.. models.Diagnostics.Where(d => d.IsError)];
            RuleSet? rules = null;
            if (errors.Count == 0)
            {
                try
                {
                    rules = models.Compile(new ModelCompileOptions { Region = _options.Region });
                }
                catch (RuleCompilationException e)
                {
                    errors = [.. e.Diagnostics.Where(d => d.IsError)];
                }
            }

            if (rules is null)
            {
                foreach (Diagnostic error in errors)
                {
                    LogDiagnostic(error.Id, error.ToString());
                }

                (LastLoadErrors, LastLoadTime) = (Math.Max(1, errors.Count), TimeProvider.System.GetUtcNow());
                if (previous is null)
                {
                    LogNothingLoaded(errors.Count);
                }
                else
                {
                    LogReloadRejected(errors.Count, previous.Version);
                }

                return false;
            }

            var snapshot = new ModelSnapshot(models, rules, (previous?.Version ?? 0) + 1);
            Volatile.Write(ref _current, snapshot);
            (LastLoadErrors, LastLoadTime) = (0, TimeProvider.System.GetUtcNow());
            LogLoaded(snapshot.Version, models.Models.Count, rules.Rules.Count);
            Reloaded?.Invoke(this, snapshot);
            return true;
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>Runs the current models over sources; the run keeps this set even if a reload swaps another in meanwhile.</summary>
    /// <param name="sources">The records.</param>
    /// <param name="sink">Receives the clues.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="InvalidOperationException">No model set has loaded yet.</exception>
    public async Task<RunSummary> RunAsync(IEnumerable<RecordSource> sources, IClueSink sink, CancellationToken cancellationToken = default)
    {
        ModelSnapshot snapshot = Current ?? throw new InvalidOperationException("No model set has loaded yet; see the log for its diagnostics.");
        using Activity? activity = Activities.StartActivity("ruleengine.run");
        activity?.SetTag("ruleengine.models.version", snapshot.Version);
        if (!BadRecordPolicy.TryParse(_options.BadRecords, out BadRecordPolicy? policy))
        {
            throw new InvalidOperationException($"RuleEngine:BadRecords '{_options.BadRecords}' is not skip, stop or stop-after:N.");
        }

        var options = new RunOptions
        {
            BadRecords = policy,
            MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism),
            RevealPersonalData = _options.RevealPersonalData,
            MaxReferenceRecords = _options.MaxReferenceRecords,
            MaxWindowState = _options.MaxWindowState,
            MaxEvidenceLength = _options.MaxEvidenceLength,
        };
        RunSummary summary;
        try
        {
            summary = await snapshot.Rules.RunAsync(sources, sink, options, cancellationToken).ConfigureAwait(false);
        }
        catch (BadRecordLimitExceededException e)
        {
            Record(e.Summary);
            LogRunStopped(e.Summary.RecordsRead, e.Summary.RecordsRejected + e.Summary.RuleErrors);
            activity?.SetStatus(ActivityStatusCode.Error, "stopped by the bad-record policy");
            throw;
        }

        Record(summary);
        if (summary.RecordsRejected + summary.RuleErrors > 0)
        {
            // Something was not evaluated: the clues are not the whole answer, and a log watcher must see it.
            LogRunIncomplete(summary.RecordsRead, summary.CluesEmitted, summary.RecordsRejected, summary.RuleErrors, summary.Elapsed.TotalSeconds);
        }
        else
        {
            LogRunCompleted(summary.RecordsRead, summary.CluesEmitted, summary.RecordsRejected, summary.RuleErrors, summary.Elapsed.TotalSeconds);
        }

        activity?.SetTag("ruleengine.records.read", summary.RecordsRead);
        activity?.SetTag("ruleengine.clues", summary.CluesEmitted);
        return summary;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _meter.Dispose();
        _reloading.Dispose();
    }

    private void Record(RunSummary summary)
    {
        _recordsRead.Add(summary.RecordsRead);
        _recordsRejected.Add(summary.RecordsRejected);
        _ruleErrors.Add(summary.RuleErrors);
        foreach ((string rule, long count) in summary.CluesPerRule.Where(c => c.Value > 0))
        {
            _clues.Add(count, new KeyValuePair<string, object?>("rule", rule));
        }

        _runDuration.Record(summary.Elapsed.TotalSeconds);
    }

    private ScriptRuleCompiler? ScriptCompiler() => _options.Scripts.ToUpperInvariant() switch
    {
        "OFF" => null,
        "TRUSTED" => new ScriptRuleCompiler(new ScriptLimits(), ScriptTrust.Trusted),
        _ => new ScriptRuleCompiler(new ScriptLimits(), ScriptTrust.Untrusted),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Loaded model set version {Version}: {Models} models, {Rules} rules")]
    private partial void LogLoaded(int version, int models, int rules);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Model diagnostic {Code}: {Diagnostic}")]
    private partial void LogDiagnostic(string code, string diagnostic);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The model folder has {Errors} error(s); model set version {Version} keeps running")]
    private partial void LogReloadRejected(int errors, int version);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The model folder has {Errors} error(s) and no model set has loaded: runs fail until the folder is fixed")]
    private partial void LogNothingLoaded(int errors);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Run completed with failures: {Records} records, {Clues} clues, {Rejected} rejected, {RuleErrors} rule errors in {Seconds:F1} s; what was not evaluated is not 'no clue'")]
    private partial void LogRunIncomplete(long records, long clues, long rejected, long ruleErrors, double seconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Run completed: {Records} records, {Clues} clues, {Rejected} rejected, {RuleErrors} rule errors in {Seconds:F1} s")]
    private partial void LogRunCompleted(long records, long clues, long rejected, long ruleErrors, double seconds);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Run stopped by its bad-record policy after {Records} records and {Failures} failures")]
    private partial void LogRunStopped(long records, long failures);
}
