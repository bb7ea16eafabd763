namespace RuleEngine.Yaml.Reading;

/// <summary>Limits for reading untrusted model files.</summary>
public sealed record YamlLimits
{
    /// <summary>Gets the default limits.</summary>
    public static YamlLimits Default { get; } = new();

    /// <summary>Gets the largest file read, in bytes.</summary>
    /// <value>The default is 1 MiB.</value>
    public int MaxFileBytes { get; init; } = 1024 * 1024;

    /// <summary>Gets the deepest nesting of mappings and sequences.</summary>
    /// <value>The default is 64.</value>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Gets the most parsing events (nodes, roughly) in one file.</summary>
    /// <value>The default is 100,000.</value>
    public int MaxEvents { get; init; } = 100_000;

    /// <summary>Gets the longest scalar, in characters.</summary>
    /// <value>The default is 64 Ki characters.</value>
    public int MaxScalarLength { get; init; } = 64 * 1024;
}
