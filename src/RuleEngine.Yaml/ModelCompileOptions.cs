namespace RuleEngine.Yaml;

/// <summary>How models are turned into a rule set: the region whose parameter values apply, and run-time overrides.</summary>
public sealed record ModelCompileOptions
{
    /// <summary>Gets the 6-digit division code whose regional parameter values apply; <see langword="null"/> uses the defaults.</summary>
    public string? Region { get; init; }

    /// <summary>
    /// Gets parameter values set at run time, as text: by name for every model that declares the parameter
    /// (<c>theft_threshold</c>), or for one model (<c>M12.theft_threshold</c>). Lists are written with commas.
    /// They win over regional values and defaults.
    /// </summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets the host's exclusions, by dataset: a condition TRUE for the records no model may see (sealed juvenile
    /// records: <c>sealed = true</c>). See <see cref="RuleSetBuilder.Exclude"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Exclusions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets the ids of the models to compile, when not all of them: a host that runs part of a folder (the models a
    /// NATS worker can run, one branch's models).
    /// </summary>
    /// <value><see langword="null"/> (the default) for every model that is not retired.</value>
    public IReadOnlyCollection<string>? Models { get; init; }
}
