using RuleEngine.Yaml.Reading;

namespace RuleEngine.Yaml;

/// <summary>How model files are read.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Gets the limits for reading untrusted files.</summary>
    /// <value>The default is <see cref="YamlLimits.Default"/>: 1 MiB per file, depth 64, 100,000 nodes, 64 Ki-character scalars, no aliases.</value>
    public YamlLimits Limits { get; init; } = YamlLimits.Default;
}
