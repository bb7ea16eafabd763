namespace RuleEngine.ClueStore;

/// <summary>What a clue store records about a run before its clues arrive: where, with which models, over which inputs.</summary>
public sealed record ClueStoreRunInfo
{
    /// <summary>
    /// Gets the 6-digit division code the run was made for (its parameters' regional values, and the region its clues
    /// belong to: a desk user sees the clues of the regions their own code covers). Empty when the run named none.
    /// </summary>
    public string Region { get; init; } = string.Empty;

    /// <summary>Gets the models run, with their versions and content hashes; their ids scope "not reproduced".</summary>
    public IReadOnlyList<RunModel> Models { get; init; } = [];

    /// <summary>Gets the input files, with their hashes.</summary>
    public IReadOnlyList<RunInput> Inputs { get; init; } = [];

    /// <summary>Gets the parameter values the run used, by name, as text.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets whether the run revealed personal data, so the stored evidence holds it unmasked.</summary>
    public bool PersonalDataRevealed { get; init; }

    /// <summary>Gets a note for people reading the run list (the month it covers, the reason for a re-run).</summary>
    public string? Note { get; init; }
}

/// <summary>A model as run: id, version and the hash of its file's content.</summary>
/// <param name="Id">The model's id (M02).</param>
/// <param name="Version">The model's version.</param>
/// <param name="ContentHash">The SHA-256 of the model file's content, hex; empty when the model was built in code.</param>
public sealed record RunModel(string Id, string Version, string ContentHash);

/// <summary>An input of a run: its dataset, file and content hash.</summary>
/// <param name="Dataset">The dataset the file was read as.</param>
/// <param name="File">The file's name or path as given.</param>
/// <param name="Sha256">The SHA-256 of the file's content, hex.</param>
public sealed record RunInput(string Dataset, string File, string Sha256);
