namespace RuleEngine.ClueStore;

/// <summary>
/// Where a clue stands in its life: raised by a run, assigned to a prosecutor, under verification (调查核实), then
/// confirmed as a case with the document issued or rejected with a reason, and closed once the follow-up is recorded.
/// </summary>
public enum ClueState
{
    /// <summary>Raised by a run and not yet assigned (待分派); also where a reopened clue returns.</summary>
    Generated,

    /// <summary>Assigned to a prosecutor or team (已分派).</summary>
    Assigned,

    /// <summary>Under verification: file review, on-site visit, agency query (核查中).</summary>
    Verifying,

    /// <summary>Confirmed: a supervision case with its document issued (已成案); the agency's reply is awaited.</summary>
    Confirmed,

    /// <summary>Rejected with a reason (不成案): data error, legal exception, already handled, outside jurisdiction.</summary>
    Rejected,

    /// <summary>Confirmed and followed up: the agency's reply or rectification recorded (已办结).</summary>
    Closed,
}
