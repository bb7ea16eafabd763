using RuleEngine.Execution;

namespace RuleEngine.Sql.Planning;

/// <summary>What a query returns and how the runner reads it back.</summary>
internal enum QueryShape
{
    /// <summary>One scan of a dataset for its record rules and window filters: the record, then one flag per rule.</summary>
    Scan,

    /// <summary>One join rule: each record context that passes, a line and the fields per joined slot.</summary>
    Join,
}

/// <summary>A query ready to send: its SQL and the rules whose results it carries.</summary>
internal sealed class PlannedQuery
{
    public required QueryShape Shape { get; init; }

    public required CompiledDataset Primary { get; init; }

    public required CompiledRule[] Rules { get; init; }

    public required string Text { get; init; }

    /// <summary>Gets, for a join query, which slots of the context are read from the row (a not-exists slot is not).</summary>
    public bool[] SlotsRead { get; init; } = [true];
}
