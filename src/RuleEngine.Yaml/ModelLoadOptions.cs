using RuleEngine.Yaml.Reading;

namespace RuleEngine.Yaml;

/// <summary>How model files are read.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Gets the limits for reading untrusted files.</summary>
    /// <value>The default is <see cref="YamlLimits.Default"/>: 1 MiB per file, depth 64, 100,000 nodes, 64 Ki-character scalars, no aliases.</value>
    public YamlLimits Limits { get; init; } = YamlLimits.Default;

    /// <summary>
    /// Gets a value indicating whether every file must carry a valid signature (<c>file.yaml.sig</c>) by one of
    /// <see cref="TrustedKeys"/>. A file that fails is not loaded (RE1022); the other files load as usual.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RequireSignatures { get; init; }

    /// <summary>Gets the keys whose signatures are trusted.</summary>
    public IReadOnlyList<ModelSigningKey> TrustedKeys { get; init; } = [];

    /// <summary>
    /// Gets the versions of models the host already runs, by model id. A model older than its known version is not
    /// loaded (RE1023) unless <see cref="AllowVersionRollback"/> is set.
    /// </summary>
    public IReadOnlyDictionary<string, string> KnownVersions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets the compiler of C# script rules (<c>script:</c> in a rule, or a <c>.csx</c> model file), such as
    /// <c>RuleEngine.Scripting.ScriptRuleCompiler</c>. The host, not the model file, decides whether scripts run.
    /// </summary>
    /// <value>The default is <see langword="null"/>: a model with a script is an error (RE2016).</value>
    public IScriptConditionCompiler? ScriptCompiler { get; init; }

    /// <summary>Gets a value indicating whether a model older than its known version may load.</summary>
    public bool AllowVersionRollback { get; init; }
}
