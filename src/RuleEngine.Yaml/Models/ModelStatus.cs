namespace RuleEngine.Yaml;

/// <summary>Where a model stands in its life-cycle on a model platform.</summary>
public enum ModelStatus
{
    /// <summary>Being written (<c>draft</c>).</summary>
    Draft,

    /// <summary>Under review (<c>review</c>).</summary>
    Review,

    /// <summary>Listed for use (<c>listed</c>).</summary>
    Listed,

    /// <summary>No longer used (<c>retired</c>); not compiled.</summary>
    Retired,
}
