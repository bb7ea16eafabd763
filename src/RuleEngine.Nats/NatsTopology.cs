using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Nats;

/// <summary>
/// The streams, subjects and consumers a rule set needs on a cluster: which datasets are evaluated (and whether they
/// are keyed by a window's <c>group_by</c>), and which are references every worker loads whole.
/// </summary>
internal sealed class NatsTopology
{
    public NatsTopology(RuleSet rules, NatsOptions options)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Schemas = rules.Datasets;
        foreach (string name in rules.Datasets.Keys)
        {
            if (!IsToken(name))
            {
                throw new ArgumentException($"Dataset '{name}' cannot name a NATS subject token (letters, digits, '-' and '_' only).", nameof(rules));
            }
        }

        if (rules.Rules.FirstOrDefault(r => r.Derive is not null) is { } deriving)
        {
            throw new NotSupportedException(
                $"{DiagnosticIds.NotDistributable}: Rule '{deriving.Id}' derives dataset '{deriving.Derive!.Dataset}'; the NATS workers do not run multi-stage models yet, so run it in-process.");
        }

        var evaluated = new List<DatasetPlan>();
        foreach (IGrouping<string, RuleDefinition> group in rules.Rules.GroupBy(r => r.Dataset, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (group.FirstOrDefault(r => r.Window is { Over: null }) is { } whole)
            {
                throw new NotSupportedException(
                    $"{DiagnosticIds.NotDistributable}: Rule '{whole.Id}' counts each key's records over the whole input (a window without 'over'); a stream of messages has no whole, so run it in-process or in SQL.");
            }

            string[] keys = [.. group.Where(r => r.Window is not null).Select(r => r.Window!.GroupBy).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            if (keys.Length > 1)
            {
                throw new ArgumentException(
                    $"{DiagnosticIds.NotDistributable}: Dataset '{group.Key}' has window rules grouped by different fields ({string.Join(", ", keys)}); a dataset is partitioned by one key, so its window rules must share their group_by.",
                    nameof(rules));
            }

            string[] references = [.. group.SelectMany(r => r.Joins).Select(j => j.Dataset).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            evaluated.Add(new DatasetPlan(group.Key, rules.Datasets[group.Key], keys.Length == 1 ? keys[0] : null, references));
        }

        Evaluated = evaluated;
        References = [.. evaluated.SelectMany(d => d.References).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (References.FirstOrDefault(r => evaluated.Any(d => d.Name == r)) is { } both)
        {
            throw new NotSupportedException(
                $"{DiagnosticIds.NotDistributable}: Dataset '{both}' is both joined as a reference and evaluated by its own rules; on a cluster a worker sees only a share of an evaluated dataset, so split it into two datasets.");
        }
    }

    /// <summary>Gets the datasets some rule joins: every worker loads each whole.</summary>
    public IReadOnlyList<string> References { get; }

    public NatsOptions Options { get; }

    public IReadOnlyDictionary<string, DatasetSchema> Schemas { get; }

    /// <summary>Gets the datasets that rules evaluate, in name order.</summary>
    public IReadOnlyList<DatasetPlan> Evaluated { get; }

    public string RecordsStream => Options.StreamPrefix + "_RECORDS";

    public string CluesStream => Options.StreamPrefix + "_CLUES";

    public string DeadStream => Options.StreamPrefix + "_DEAD";

    public string RecordSubject(string dataset, int partition) => $"{Options.SubjectPrefix}.records.{dataset}.{partition}";

    public string RecordFilter(string dataset) => $"{Options.SubjectPrefix}.records.{dataset}.*";

    public string ClueSubject(string dataset) => $"{Options.SubjectPrefix}.clues.{dataset}";

    public string DeadSubject(string dataset) => $"{Options.SubjectPrefix}.dead.{dataset}";

    public string ConsumerName(string dataset, int? partition) =>
        partition is { } p ? $"{Options.StreamPrefix}-{dataset}-p{p}" : $"{Options.StreamPrefix}-{dataset}";

    /// <summary>Gets the name of every durable consumer of the deployment: one per stateless dataset, one per partition of a keyed one.</summary>
    public IEnumerable<string> ConsumerNames => Evaluated.SelectMany(d => d.Keyed
        ? Enumerable.Range(0, Options.Partitions).Select(p => ConsumerName(d.Name, p))
        : [ConsumerName(d.Name, null)]);

    /// <summary>The field a dataset's records are partitioned by: the group_by of its window rules; none for other datasets.</summary>
    public string? PartitionKey(string dataset) => Evaluated.FirstOrDefault(d => d.Name == dataset)?.PartitionBy;

    public static bool IsToken(string text) => text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A dataset that rules evaluate.</summary>
    /// <param name="Name">The dataset.</param>
    /// <param name="Schema">Its schema.</param>
    /// <param name="PartitionBy">The window key its records are partitioned by; <see langword="null"/> when no rule keeps state (any worker may take any batch).</param>
    /// <param name="References">The datasets its rules join, loaded whole by every worker.</param>
    public sealed record DatasetPlan(string Name, DatasetSchema Schema, string? PartitionBy, IReadOnlyList<string> References)
    {
        public bool Keyed => PartitionBy is not null;
    }
}
