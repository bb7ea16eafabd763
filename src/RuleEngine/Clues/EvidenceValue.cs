namespace RuleEngine.Clues;

/// <summary>One field value behind a clue, with where it came from.</summary>
/// <param name="Field">The field's name.</param>
/// <param name="Value">
/// The value: <see cref="string"/>, <see cref="long"/>, <see cref="int"/>, <see cref="decimal"/>, <see cref="double"/>,
/// <see cref="bool"/>, <see cref="DateOnly"/>, <see cref="DateTime"/>, a string array, or <see langword="null"/>.
/// Personal fields hold their masked text unless the run revealed them.
/// </param>
/// <param name="Dataset">The dataset of the record.</param>
/// <param name="Line">The record's line (text sources) or row (other sources).</param>
public sealed record EvidenceValue(string Field, object? Value, string Dataset, long Line)
{
    /// <summary>Gets the kind of personal data the field holds, so readers of clue files can mask it; <see cref="Schema.PersonalDataKind.None"/> for others.</summary>
    public Schema.PersonalDataKind Personal { get; init; }

    /// <summary>
    /// Gets whether the rule declares this field material (<see cref="ClueSpec.Material"/>): a change in its value
    /// between runs reopens a clue that was closed.
    /// </summary>
    public bool Material { get; init; }
}
