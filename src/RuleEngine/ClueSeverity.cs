namespace RuleEngine;

/// <summary>How urgently a clue should be verified.</summary>
public enum ClueSeverity
{
    /// <summary>Worth a look when time allows.</summary>
    Low,

    /// <summary>The default.</summary>
    Medium,

    /// <summary>Verify first: a likely and serious violation.</summary>
    High,
}
