using RuleEngine.Clues;
using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>Evaluates one rule on one record the way a run would, and keeps what each condition gave.</summary>
internal static class RuleExplainer
{
    /// <param name="rule">The rule.</param>
    /// <param name="record">The record of the rule's dataset.</param>
    /// <param name="tables">The reference datasets the rule's joins read.</param>
    /// <param name="derived">The record a deriving rule makes of it, for the next stage; otherwise <see langword="null"/>.</param>
    /// <param name="factory">Shows joined values as clues do (masked unless revealed).</param>
    public static RuleExplanation Explain(CompiledRule rule, Record record, IReadOnlyDictionary<string, ReferenceTable> tables, ClueFactory factory, out Record? derived)
    {
        string id = rule.Definition.Id;
        derived = null;
        if (rule.Joins.Length > 0)
        {
            return ExplainJoin(rule, record, tables, factory, out derived);
        }

        ConditionOutcome[] conditions = factory.ExplainWithComputedValues(rule, [record]);
        try
        {
            bool holds = rule.Predicate(record);
            if (rule.Script is { RunsInWorker: true } script)
            {
                // The script runs in its worker: ask it for this one record, and show its answer as the script's condition.
                var outcomes = new ScriptOutcome[1];
                script.EvaluateBatch([record], [0], 1, outcomes);
                conditions[^1] = new ConditionOutcome(conditions[^1].Condition, outcomes[0].Code is null ? outcomes[0].Value : null) { ErrorCode = outcomes[0].Code };
                holds &= outcomes[0].Code is null ? outcomes[0].Value : throw new Language.EvaluationException(outcomes[0].Code!, outcomes[0].Message!);
            }

            return rule.Window is not null
                ? new RuleExplanation(id, holds ? RuleVerdict.CountsInWindow : RuleVerdict.NoClue, conditions)
                {
                    ModelId = rule.Definition.ModelId,
                    Note = holds ? $"The record counts in the window of its '{rule.Window.Schema.Fields[rule.Window.GroupField].Name}'; {WindowOutcome(rule)} depends on the other records in the window (run the model)." : null,
                }
                : new RuleExplanation(id, holds ? Matched(rule) : RuleVerdict.NoClue, conditions)
                {
                    ModelId = rule.Definition.ModelId,
                    Note = (derived = holds ? rule.Derive?.Create([record]) : null) is not null ? DerivesNote(rule) : null,
                    Clue = holds && rule.Derive is null ? factory.Create(rule, record) : null,
                };
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, rule.Script, out string code, out string message))
        {
            return new RuleExplanation(id, RuleVerdict.NotEvaluated, conditions) { ModelId = rule.Definition.ModelId, ErrorCode = code, Note = message };
        }
    }

    private static RuleVerdict Matched(CompiledRule rule) => rule.Derive is null ? RuleVerdict.Clue : RuleVerdict.Derives;

    /// <summary>What a join put in its slot of the context: a match, its aggregates, or the all-NULL record of no match.</summary>
    private static JoinedRecord Joined(CompiledJoin join, Record record, ClueFactory factory)
    {
        string alias = join.Definition.Alias;
        if (ReferenceEquals(record, join.NullRecord) && join.Aggregates is null)
        {
            return new JoinedRecord(alias, join.Definition.Dataset, null, []);
        }

        Schema.DatasetSchema schema = record.Layout.Schema;
        EvidenceValue[] values = [.. schema.Fields.Select((f, i) => new EvidenceValue(f.Name, factory.Shown(f, record.GetValue(i)), join.Definition.Dataset, record.Line) { Personal = f.Personal })];
        return new JoinedRecord(alias, join.Definition.Dataset, join.Aggregates is null ? record.Line : null, values);
    }

    /// <summary>A join's record in the context, with its key and <c>where</c> and how many reference records met each.</summary>
    private static JoinedRecord Described(CompiledJoin join, Record[] context, Dictionary<string, List<Record>> index, ClueFactory factory)
    {
        (int? withKey, int matching) = JoinEvaluator.Candidates(join, context, index);
        return Joined(join, context[join.Source], factory) with { Kind = join.Definition.Kind, On = OnText(join), Where = join.Definition.Where, WithKey = withKey, Matching = matching };
    }

    private static string OnText(CompiledJoin join) =>
        string.Join(" AND ", join.Definition.On.Select(on => $"{on.Left} = {join.Definition.Alias}.{on.Right}"));

    /// <summary>What a window's episode gives: a clue, or a record of the derived dataset.</summary>
    private static string WindowOutcome(CompiledRule rule) =>
        rule.Definition.Derive is { } derive ? $"whether that derives a record of '{derive.Dataset}'" : "whether that makes a clue";

    private static string DerivesNote(CompiledRule rule) =>
        $"The record becomes a record of derived dataset '{rule.Definition.Derive!.Dataset}'; below, what the rules that read it make of it.";

    private static RuleExplanation ExplainJoin(CompiledRule rule, Record record, IReadOnlyDictionary<string, ReferenceTable> tables, ClueFactory factory, out Record? derived)
    {
        string id = rule.Definition.Id;
        derived = null;
        if (rule.Joins.FirstOrDefault(j => !tables.ContainsKey(j.Definition.Dataset)) is { } missing)
        {
            return new RuleExplanation(id, RuleVerdict.NotEvaluated, []) { ModelId = rule.Definition.ModelId, Note = $"The rule joins '{missing.Definition.Dataset}'; give that dataset's data to explain it." };
        }

        var indexes = rule.Joins.ToDictionary(j => j, j => tables[j.Definition.Dataset].IndexFor(j, rule.Joins.Length + 1));
        try
        {
            List<Record[]>? contexts = JoinEvaluator.Evaluate(rule, record, indexes);
            bool clue = contexts is { Count: > 0 };
            // Without a clue, show the conditions on what the joins made of the record (an aggregating join's counts), if anything.
            Record[]? joined = clue ? contexts![0] : JoinEvaluator.Join(rule, record, indexes)?[0];
            Record[] context = joined ?? [record, .. rule.Joins.Select(j => j.NullRecord)];
            string? none = clue ? null
                : joined is null ? "No record matches the joins; the conditions shown are with the joined fields empty."
                : "No joined record makes the condition true; the conditions shown are for the first.";
            JoinedRecord[] joinedRecords = [.. rule.Joins.Select(j => Described(j, context, indexes[j], factory))];
            if (rule.Window is not null)
            {
                return new RuleExplanation(id, clue ? RuleVerdict.CountsInWindow : RuleVerdict.NoClue, factory.ExplainWithComputedValues(rule, context))
                {
                    ModelId = rule.Definition.ModelId,
                    Joined = joinedRecords,
                    Note = clue ? $"A joined record makes the condition true, so the record counts once in the window of its '{rule.Window.Schema.Fields[rule.Window.GroupField].Name}'; {WindowOutcome(rule)} depends on the other records in the window (run the model)." : none,
                };
            }

            derived = clue ? rule.Derive?.Create(context) : null;
            return new RuleExplanation(id, clue ? Matched(rule) : RuleVerdict.NoClue, factory.ExplainWithComputedValues(rule, context))
            {
                ModelId = rule.Definition.ModelId,
                Joined = joinedRecords,
                Note = derived is not null ? DerivesNote(rule)
                    : clue && contexts!.Count > 1 ? $"{contexts.Count} joined records match, each a clue; the conditions shown are for the first." : none,
                Clue = clue && rule.Derive is null ? factory.Create(rule, context) : null,
            };
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, rule.Script, out string code, out string message))
        {
            return new RuleExplanation(id, RuleVerdict.NotEvaluated, []) { ModelId = rule.Definition.ModelId, ErrorCode = code, Note = message };
        }
    }
}
