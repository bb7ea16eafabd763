namespace RuleEngine.Sql;

/// <summary>One query of a plan: the SQL it sends and the rules it evaluates (many rules over one dataset share a scan).</summary>
/// <param name="Dataset">The dataset the query scans.</param>
/// <param name="RuleIds">The rules it evaluates, as <c>model/rule</c> or the rule's id.</param>
/// <param name="Text">The SQL.</param>
public sealed record SqlQuery(string Dataset, IReadOnlyList<string> RuleIds, string Text);
