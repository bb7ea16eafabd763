namespace RuleEngine.Records;

/// <summary>
/// Where every physical line of a text input went: a header, a record (read or rejected; a record whose quoted field
/// spans lines counts each of them), or a blank line that holds no record. Nothing else can happen to a line, so
/// <see cref="Unaccounted"/> is 0 for a source read to its end; a run reports a non-zero value as loss.
/// </summary>
/// <param name="Lines">How many physical lines were read (a last line without a line break counts).</param>
/// <param name="HeaderLines">How many were a header.</param>
/// <param name="RecordLines">How many belonged to records, read or rejected.</param>
/// <param name="BlankLines">How many were blank and skipped (JSON Lines; CSV of several columns).</param>
public sealed record LineAccount(long Lines, long HeaderLines, long RecordLines, long BlankLines)
{
    /// <summary>Gets how many lines are neither header, record nor blank: 0 unless lines were lost.</summary>
    public long Unaccounted => Lines - HeaderLines - RecordLines - BlankLines;

    /// <summary>Adds two accounts (two files of one dataset).</summary>
    /// <param name="other">The other account.</param>
    /// <returns>The sum.</returns>
    public LineAccount Add(LineAccount other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Lines + other.Lines, HeaderLines + other.HeaderLines, RecordLines + other.RecordLines, BlankLines + other.BlankLines);
    }
}
