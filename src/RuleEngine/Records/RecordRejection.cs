namespace RuleEngine.Records;

/// <summary>
/// A record that could not be read or a rule that could not be evaluated on it: where it is and why,
/// never its values (case data is personal data).
/// </summary>
/// <param name="Dataset">The dataset the record belongs to.</param>
/// <param name="Line">The 1-based line of a text source, or the 1-based row of an object or data-reader source.</param>
/// <param name="Code">The diagnostic code, such as <c>RE5004</c>.</param>
/// <param name="Message">What went wrong, without the record's values.</param>
public sealed record RecordRejection(string Dataset, long Line, string Code, string Message)
{
    /// <summary>Gets the field involved, if one is.</summary>
    public string? Field { get; init; }

    /// <summary>Gets the rule that could not be evaluated, for evaluation errors; <see langword="null"/> for read errors.</summary>
    public string? RuleId { get; init; }

    /// <summary>
    /// Gets a value indicating whether this is a warning about a record that was still read and evaluated (a suspect
    /// field value, such as an ID number that fails its check), not a rejection or a rule error.
    /// </summary>
    public bool IsWarning { get; init; }

    /// <summary>
    /// Gets the record's raw text, for a dead-letter sink that protects it (personal data: never logged, never in
    /// <see cref="ToString"/>); <see langword="null"/> when the source has none.
    /// </summary>
    internal string? RawRecord { get; init; }

    /// <inheritdoc/>
    public override string ToString()
    {
        string where = Field is null ? $"{Dataset}:{Line}" : $"{Dataset}:{Line} field '{Field}'";
        return RuleId is null ? $"{where}: {Code}: {Message}" : $"{where}: rule '{RuleId}': {Code}: {Message}";
    }
}
