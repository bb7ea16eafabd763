namespace RuleEngine.ClueStore;

/// <summary>
/// Who acts on the store, and what they may see: every read and action of the store is limited to the clues of the
/// regions <see cref="RegionScope"/> covers, and every action is written to the clue's history under <see cref="Name"/>.
/// </summary>
/// <param name="Name">The user's name as the history records it.</param>
/// <param name="RegionScope">
/// A division code: a province (<c>330000</c>) covers its prefectures and counties, a prefecture (<c>330100</c>) its
/// counties, a county (<c>330106</c>) itself. <see langword="null"/> covers every region (administrators, scripts).
/// </param>
/// <param name="Address">Where the action came from (the client's address), for the audit log.</param>
public sealed record ClueActor(string Name, string? RegionScope = null, string? Address = null)
{
    /// <summary>Gets an actor for scripts and the runner, covering every region.</summary>
    /// <param name="name">The name the history records.</param>
    /// <returns>The actor.</returns>
    public static ClueActor System(string name) => new(name);

    /// <summary>The SQL LIKE pattern of the regions the scope covers, or <see langword="null"/> for all.</summary>
    internal string? RegionPattern()
    {
        if (RegionScope is null)
        {
            return null;
        }

        string code = RegionScope.Trim();
        while (code.Length > 2 && code.EndsWith("00", StringComparison.Ordinal))
        {
            code = code[..^2];
        }

        return code + "%";
    }
}
