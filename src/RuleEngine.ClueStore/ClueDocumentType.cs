namespace RuleEngine.ClueStore;

/// <summary>
/// A kind of document a confirmed clue leads to, and how long the receiving agency has to reply, from which a
/// clue's follow-up date is computed. <see cref="ClueDocumentTypes"/> lists the usual ones.
/// </summary>
/// <param name="Name">The document's name, as written on it (检察建议).</param>
/// <param name="ReplyMonths">Months the agency has to reply, or <see langword="null"/>.</param>
/// <param name="ReplyDays">Days the agency has to reply (added after the months), or <see langword="null"/>.</param>
/// <param name="Basis">Where the period comes from, shown beside the due date; <see langword="null"/> when no period is set by law.</param>
public sealed record ClueDocumentType(string Name, int? ReplyMonths, int? ReplyDays, string? Basis)
{
    /// <summary>Gets the date the agency's reply is due for a document issued on <paramref name="issuedOn"/>, if a period applies.</summary>
    /// <param name="issuedOn">The day the document was issued.</param>
    /// <returns>The due date, or <see langword="null"/> when the document has no reply period.</returns>
    public DateOnly? DueDate(DateOnly issuedOn) =>
        ReplyMonths is null && ReplyDays is null ? null : issuedOn.AddMonths(ReplyMonths ?? 0).AddDays(ReplyDays ?? 0);
}

/// <summary>The documents a supervision case usually ends in (domain notes §2.5), with their reply periods.</summary>
public static class ClueDocumentTypes
{
    /// <summary>Gets the documents, in the order the desk offers them.</summary>
    public static IReadOnlyList<ClueDocumentType> All { get; } =
    [
        new("检察建议", 2, null, "《人民检察院检察建议工作规定》：被建议单位两个月以内书面回复"),
        new("纠正违法通知书", null, 15, "《人民检察院刑事诉讼规则》：收到纠正违法通知书后十五日以内书面回复"),
        new("行政公益诉讼诉前检察建议", 2, null, "《最高人民法院 最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释》第二十一条：两个月内依法履行职责并书面回复"),
        new("立案监督", null, 15, "《人民检察院刑事诉讼规则》：通知立案后十五日以内立案"),
        new("检察意见", null, null, null),
        new("移送公安", null, null, null),
        new("抗诉", null, null, null),
        new("再审检察建议", null, null, null),
        new("支持起诉", null, null, null),
        new("民事公益诉讼", null, null, null),
    ];

    /// <summary>Finds a document type by its name.</summary>
    /// <param name="name">The name, such as <c>检察建议</c>.</param>
    /// <returns>The type, or <see langword="null"/> when the name is not one of <see cref="All"/>.</returns>
    public static ClueDocumentType? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
}
