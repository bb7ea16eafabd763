namespace RuleEngine.ClueStore;

/// <summary>The clue life-cycle's rules and its words in Chinese: which moves are allowed and what closes a clue.</summary>
public static class ClueLifecycle
{
    /// <summary>Gets whether a clue in this state is closed: a re-run does not raise it again unless material evidence changed.</summary>
    /// <param name="state">The state.</param>
    /// <returns><see langword="true"/> for confirmed, rejected and closed clues.</returns>
    public static bool IsClosed(ClueState state) => state is ClueState.Confirmed or ClueState.Rejected or ClueState.Closed;

    /// <summary>Gets the states a clue may move to from <paramref name="state"/> through a prosecutor's action.</summary>
    /// <param name="state">The current state.</param>
    /// <returns>The states an action can lead to.</returns>
    public static IReadOnlyList<ClueState> NextStates(ClueState state) => state switch
    {
        ClueState.Generated => [ClueState.Assigned],
        ClueState.Assigned => [ClueState.Assigned, ClueState.Verifying, ClueState.Rejected],
        ClueState.Verifying => [ClueState.Assigned, ClueState.Confirmed, ClueState.Rejected],
        ClueState.Confirmed => [ClueState.Closed],
        _ => [],
    };

    /// <summary>Gets the state's name as the desk shows it (待分派, 已分派, 核查中, 已成案, 不成案, 已办结).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The Chinese name.</returns>
    public static string ChineseName(ClueState state) => state switch
    {
        ClueState.Generated => "待分派",
        ClueState.Assigned => "已分派",
        ClueState.Verifying => "核查中",
        ClueState.Confirmed => "已成案",
        ClueState.Rejected => "不成案",
        ClueState.Closed => "已办结",
        _ => state.ToString(),
    };

    /// <summary>Gets the reason's name as the desk shows it (数据错误, 法定例外, 已处理, 非本院管辖, 其他).</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The Chinese name.</returns>
    public static string ChineseName(RejectionReason reason) => reason switch
    {
        RejectionReason.DataError => "数据错误",
        RejectionReason.LegalException => "法定例外",
        RejectionReason.AlreadyHandled => "已处理",
        RejectionReason.OutsideJurisdiction => "非本院管辖",
        RejectionReason.Other => "其他",
        _ => reason.ToString(),
    };

    internal static string Stored(ClueState state) => state switch
    {
        ClueState.Generated => "generated",
        ClueState.Assigned => "assigned",
        ClueState.Verifying => "verifying",
        ClueState.Confirmed => "confirmed",
        ClueState.Rejected => "rejected",
        ClueState.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    internal static ClueState ParseState(string stored) => stored switch
    {
        "generated" => ClueState.Generated,
        "assigned" => ClueState.Assigned,
        "verifying" => ClueState.Verifying,
        "confirmed" => ClueState.Confirmed,
        "rejected" => ClueState.Rejected,
        "closed" => ClueState.Closed,
        _ => throw new ClueStoreException(ClueStoreErrorCodes.CorruptRow, $"A clue row holds the unknown state '{stored}'."),
    };

    internal static string Stored(RejectionReason reason) => reason switch
    {
        RejectionReason.DataError => "data_error",
        RejectionReason.LegalException => "legal_exception",
        RejectionReason.AlreadyHandled => "already_handled",
        RejectionReason.OutsideJurisdiction => "outside_jurisdiction",
        _ => "other",
    };

    internal static RejectionReason? ParseReason(string? stored) => stored switch
    {
        null => null,
        "data_error" => RejectionReason.DataError,
        "legal_exception" => RejectionReason.LegalException,
        "already_handled" => RejectionReason.AlreadyHandled,
        "outside_jurisdiction" => RejectionReason.OutsideJurisdiction,
        _ => RejectionReason.Other,
    };

    /// <summary>The names states are stored under, for queries that name the closed ones.</summary>
    internal static readonly string[] ClosedStates = [Stored(ClueState.Confirmed), Stored(ClueState.Rejected), Stored(ClueState.Closed)];
}
