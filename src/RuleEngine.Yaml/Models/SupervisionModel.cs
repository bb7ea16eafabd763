using RuleEngine.Diagnostics;

namespace RuleEngine.Yaml;

/// <summary>
/// A legal supervision model read from a YAML file: its metadata (what a model platform records), its parameters,
/// its rules and its tests. Immutable.
/// </summary>
public sealed record SupervisionModel
{
    /// <summary>Gets the model's id, unique in its model set, such as <c>M02</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the model's version, such as <c>1.2.0</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Gets the model's name, such as <c>醉驾人员驾驶证未吊销监督模型</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets where the model stands in its life-cycle.</summary>
    public ModelStatus Status { get; init; } = ModelStatus.Draft;

    /// <summary>Gets the procuratorial branch: <c>刑事</c>, <c>民事</c>, <c>行政</c> or <c>公益诉讼</c>.</summary>
    public string? Branch { get; init; }

    /// <summary>Gets the supervision point (监督点) the model serves.</summary>
    public string? SupervisionPoint { get; init; }

    /// <summary>Gets the provisions the model rests on.</summary>
    public IReadOnlyList<LegalBasis> LegalBasis { get; init; } = [];

    /// <summary>Gets the office that owns the model.</summary>
    public string? OwnerOrg { get; init; }

    /// <summary>Gets the 6-digit division code of the model's home region.</summary>
    public string? Region { get; init; }

    /// <summary>Gets the model's authors.</summary>
    public IReadOnlyList<string> Authors { get; init; } = [];

    /// <summary>Gets what the model looks for and why.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the parameters the model's conditions use.</summary>
    public IReadOnlyList<ModelParameter> Parameters { get; init; } = [];

    /// <summary>Gets the model's rules, with their parameters at their defaults. Rule ids are <c>model.rule</c>, or the model's id for a single-rule model.</summary>
    public IReadOnlyList<RuleDefinition> Rules { get; init; } = [];

    /// <summary>Gets the tests written in the model file.</summary>
    public IReadOnlyList<ModelTest> Tests { get; init; } = [];

    /// <summary>Gets, by rule id, the parameter that sets a window's days, so regional values and overrides apply to it.</summary>
    internal IReadOnlyDictionary<(string Rule, string Key), string> WindowParameters { get; init; } = new Dictionary<(string Rule, string Key), string>();

    /// <summary>Gets the file the model was read from.</summary>
    public required string Path { get; init; }

    /// <summary>Gets where the model's id is declared.</summary>
    public SourceLocation Location { get; init; }
}
