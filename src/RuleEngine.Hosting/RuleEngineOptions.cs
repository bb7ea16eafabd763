namespace RuleEngine.Hosting;

/// <summary>How a host runs RuleEngine; bound from configuration (<c>"RuleEngine": { "ModelsPath": "models" }</c>) or set in code.</summary>
public sealed class RuleEngineOptions
{
    /// <summary>Gets or sets the folder of model and dataset files.</summary>
    public string ModelsPath { get; set; } = "models";

    /// <summary>Gets or sets the bad-record policy: <c>skip</c>, <c>stop</c> or <c>stop-after:N</c>.</summary>
    public string BadRecords { get; set; } = "skip";

    /// <summary>Gets or sets how many batches are evaluated at once.</summary>
    public int Parallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets where C# script rules run: <c>Untrusted</c> (worker processes, the default), <c>Trusted</c> (in-process) or <c>Off</c>.</summary>
    public string Scripts { get; set; } = "Untrusted";

    /// <summary>Gets or sets a value indicating whether clues show personal data unmasked. Only for callers entitled to see it.</summary>
    public bool RevealPersonalData { get; set; }

    /// <summary>Gets or sets the 6-digit division code whose parameter values apply.</summary>
    public string? Region { get; set; }

    /// <summary>Gets or sets how many records the reference datasets of a run may hold for joins (<see cref="RunOptions.MaxReferenceRecords"/>).</summary>
    public long MaxReferenceRecords { get; set; } = new RunOptions().MaxReferenceRecords;

    /// <summary>Gets or sets how many records a window rule may hold (<see cref="RunOptions.MaxWindowState"/>).</summary>
    public long MaxWindowState { get; set; } = new RunOptions().MaxWindowState;

    /// <summary>Gets or sets the longest text a clue's evidence carries (<see cref="RunOptions.MaxEvidenceLength"/>).</summary>
    public int MaxEvidenceLength { get; set; } = new RunOptions().MaxEvidenceLength;

    /// <summary>Gets or sets a value indicating whether a change to the model folder is reloaded without a restart.</summary>
    public bool ReloadOnChange { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the host refuses to start when the model folder does not load (the
    /// default): a service without models would answer every run with an error. Set it to <see langword="false"/>
    /// to start anyway and wait for the folder to be fixed; <see cref="RuleEngineHealthCheck"/> then reports unhealthy.
    /// </summary>
    public bool RequireModelsAtStart { get; set; } = true;

    /// <summary>Gets or sets how long the folder must be quiet before a change is reloaded (an editor saves in several writes).</summary>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
