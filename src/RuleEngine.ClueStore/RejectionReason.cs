namespace RuleEngine.ClueStore;

/// <summary>Why a verified clue is not a case; the reasons feed the tuning of the model that raised it.</summary>
public enum RejectionReason
{
    /// <summary>The data was wrong: a mistyped ID number, a stale status (数据错误).</summary>
    DataError,

    /// <summary>The law allows it: an exception the model does not know, such as probation that keeps a pension (法定例外).</summary>
    LegalException,

    /// <summary>The agency had already handled it (已处理).</summary>
    AlreadyHandled,

    /// <summary>Another office's jurisdiction; transferred (非本院管辖).</summary>
    OutsideJurisdiction,

    /// <summary>Another reason, given in the note (其他).</summary>
    Other,
}
