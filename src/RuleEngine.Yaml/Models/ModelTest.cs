using RuleEngine.Diagnostics;

namespace RuleEngine.Yaml;

/// <summary>
/// A test written in a model file: records per dataset, and the clues they must produce — no more, no fewer.
/// Run with <see cref="ModelTestRunner"/>.
/// </summary>
public sealed record ModelTest
{
    /// <summary>Gets the test's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the region whose parameter values the test uses, if any.</summary>
    public string? Region { get; init; }

    /// <summary>Gets where the test is declared.</summary>
    public SourceLocation Location { get; init; }

    internal IReadOnlyList<TestRecords> Records { get; init; } = [];

    internal IReadOnlyList<ExpectedClue> Expected { get; init; } = [];

    internal IReadOnlyList<ExpectedWarning> Warnings { get; init; } = [];

    internal IReadOnlyDictionary<string, string> ParameterOverrides { get; init; } = new Dictionary<string, string>();
}

/// <summary>The records of one dataset in a test: inline, or from a data file.</summary>
internal sealed record TestRecords(string Dataset, SourceLocation Location)
{
    public IReadOnlyList<TestRecord> Inline { get; init; } = [];

    public string? File { get; init; }
}

/// <summary>One inline record: field values as YAML text (or lists of text), with the record's location.</summary>
internal sealed record TestRecord(IReadOnlyDictionary<string, object?> Values, SourceLocation Location);

/// <summary>A clue a test expects: its rule (optional when the model has one), its subject, and evidence values to check.</summary>
internal sealed record ExpectedClue(string? Rule, string Subject, IReadOnlyDictionary<string, object?> Evidence, SourceLocation Location);

/// <summary>A field warning a test expects its records to raise: the dataset, the field and the code (RE5012 by default).</summary>
internal sealed record ExpectedWarning(string Dataset, string Field, string Code, SourceLocation Location);
