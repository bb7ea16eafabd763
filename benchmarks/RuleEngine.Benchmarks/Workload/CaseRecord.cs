using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.Workload;

/// <summary>A typed case record of about twenty fields, the shape of a court or procuratorate export.</summary>
public sealed class CaseRecord
{
    public required string CaseNo { get; init; }

    public required string CaseType { get; init; }

    public required string Cause { get; init; }

    [DatasetField(Type = FieldType.IdNumber)]
    public required string PersonId { get; init; }

    public required DateOnly FilingDate { get; init; }

    public required DateOnly JudgmentDate { get; init; }

    public required string Court { get; init; }

    public required string Region { get; init; }

    public required decimal Amount { get; init; }

    public required decimal Fine { get; init; }

    public required int SentenceMonths { get; init; }

    public required int Defendants { get; init; }

    public required bool Detained { get; init; }

    public required bool Recidivist { get; init; }

    public required bool Minor { get; init; }

    public required string Disposition { get; init; }

    public required string Procuratorate { get; init; }

    public required double Bac { get; init; }

    public required string[] Tags { get; init; }
}
