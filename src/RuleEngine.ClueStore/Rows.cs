using System.Diagnostics.CodeAnalysis;

namespace RuleEngine.ClueStore;

// The rows Dapper reads, column for property (the queries alias each column), turned into the public records.
// Integers are long and times text in both databases, so one mapping serves SQLite and PostgreSQL.
[SuppressMessage("Performance", "CA1812", Justification = "Instantiated by Dapper.")]
internal sealed class ClueRow
{
    public long Id { get; set; }

    public string Fingerprint { get; set; } = string.Empty;

    public string ModelId { get; set; } = string.Empty;

    public string RuleId { get; set; } = string.Empty;

    public string RuleVersion { get; set; } = string.Empty;

    public string Region { get; set; } = string.Empty;

    public string SubjectKey { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    public string Severity { get; set; } = string.Empty;

    public string Dataset { get; set; } = string.Empty;

    public string State { get; set; } = string.Empty;

    public string? Assignee { get; set; }

    public long FirstRunId { get; set; }

    public long LastRunId { get; set; }

    public long Reproduced { get; set; }

    public string? DocumentType { get; set; }

    public string? DocumentNumber { get; set; }

    public string? DecidedOn { get; set; }

    public string? DueOn { get; set; }

    public string? RejectionReason { get; set; }

    public string? Note { get; set; }

    public string CreatedAt { get; set; } = string.Empty;

    public string UpdatedAt { get; set; } = string.Empty;

    public long RowVersion { get; set; }

    public StoredClue ToClue() => new()
    {
        Id = Id,
        Fingerprint = Fingerprint,
        ModelId = ModelId,
        RuleId = RuleId,
        RuleVersion = RuleVersion,
        Region = Region,
        SubjectKey = SubjectKey,
        Title = Title,
        Severity = StoredForms.ReadSeverity(Severity),
        Dataset = Dataset,
        State = ClueLifecycle.ParseState(State),
        Assignee = Assignee,
        FirstRunId = FirstRunId,
        LastRunId = LastRunId,
        Reproduced = Reproduced != 0,
        DocumentType = DocumentType,
        DocumentNumber = DocumentNumber,
        DecidedOn = StoredForms.ReadDay(DecidedOn),
        DueOn = StoredForms.ReadDay(DueOn),
        RejectionReason = ClueLifecycle.ParseReason(RejectionReason),
        Note = Note,
        CreatedAt = StoredForms.ReadTime(CreatedAt),
        UpdatedAt = StoredForms.ReadTime(UpdatedAt),
        Version = RowVersion,
    };
}

[SuppressMessage("Performance", "CA1812", Justification = "Instantiated by Dapper.")]
internal sealed class RunRow
{
    public long Id { get; set; }

    public string StartedAt { get; set; } = string.Empty;

    public string? CompletedAt { get; set; }

    public string Status { get; set; } = string.Empty;

    public string Region { get; set; } = string.Empty;

    public long Revealed { get; set; }

    public string Models { get; set; } = "[]";

    public string Inputs { get; set; } = "[]";

    public string Parameters { get; set; } = "{}";

    public string? Summary { get; set; }

    public long NewClues { get; set; }

    public long SeenAgain { get; set; }

    public long Reopened { get; set; }

    public long NotReproduced { get; set; }

    public string? Note { get; set; }

    public StoredRun ToRun() => new()
    {
        Id = Id,
        StartedAt = StoredForms.ReadTime(StartedAt),
        CompletedAt = CompletedAt is null ? null : StoredForms.ReadTime(CompletedAt),
        Status = Status switch
        {
            "running" => RunStatus.Running,
            "completed" => RunStatus.Completed,
            "completed_with_losses" => RunStatus.CompletedWithLosses,
            _ => RunStatus.Failed,
        },
        Info = new ClueStoreRunInfo
        {
            Region = Region,
            PersonalDataRevealed = Revealed != 0,
            Models = StoredForms.FromJson<RunModel[]>(Models) ?? [],
            Inputs = StoredForms.FromJson<RunInput[]>(Inputs) ?? [],
            Parameters = StoredForms.FromJson<Dictionary<string, string>>(Parameters) ?? [],
            Note = Note,
        },
        Summary = Summary,
        NewClues = NewClues,
        SeenAgain = SeenAgain,
        Reopened = Reopened,
        NotReproduced = NotReproduced,
    };
}

[SuppressMessage("Performance", "CA1812", Justification = "Instantiated by Dapper.")]
internal sealed class SightingRow
{
    public long ClueId { get; set; }

    public long RunId { get; set; }

    public string RunStartedAt { get; set; } = string.Empty;

    public string RuleVersion { get; set; } = string.Empty;

    public long Line { get; set; }

    public string Evidence { get; set; } = "[]";

    public string Explanation { get; set; } = "[]";

    public ClueSighting ToSighting() =>
        new(RunId, StoredForms.ReadTime(RunStartedAt), RuleVersion, Line, StoredForms.ReadEvidence(Evidence), StoredForms.ReadExplanation(Explanation));
}

[SuppressMessage("Performance", "CA1812", Justification = "Instantiated by Dapper.")]
internal sealed class EventRow
{
    public long Id { get; set; }

    public string At { get; set; } = string.Empty;

    public string Actor { get; set; } = string.Empty;

    public string Action { get; set; } = string.Empty;

    public string? FromState { get; set; }

    public string? ToState { get; set; }

    public long? RunId { get; set; }

    public string? Detail { get; set; }

    public ClueEvent ToEvent() => new(
        Id,
        StoredForms.ReadTime(At),
        Actor,
        Action,
        FromState is null ? null : ClueLifecycle.ParseState(FromState),
        ToState is null ? null : ClueLifecycle.ParseState(ToState),
        RunId,
        Detail);
}

[SuppressMessage("Performance", "CA1812", Justification = "Instantiated by Dapper.")]
internal sealed class AuditRow
{
    public long Id { get; set; }

    public string At { get; set; } = string.Empty;

    public string Actor { get; set; } = string.Empty;

    public string? Address { get; set; }

    public string Action { get; set; } = string.Empty;

    public long? ClueId { get; set; }

    public string? Detail { get; set; }
}

[SuppressMessage("Performance", "CA1812", Justification = "Instantiated by Dapper.")]
internal sealed class DiffRow
{
    public long ClueId { get; set; }

    public long RunId { get; set; }

    public string EvidenceHash { get; set; } = string.Empty;
}

[SuppressMessage("Performance", "CA1812", Justification = "Instantiated by Dapper.")]
internal sealed class CountRow
{
    public string ModelId { get; set; } = string.Empty;

    public string RuleVersion { get; set; } = string.Empty;

    public string State { get; set; } = string.Empty;

    public string? Reason { get; set; }

    public long Count { get; set; }
}
