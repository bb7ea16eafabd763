using RuleEngine.Records;

namespace RuleEngine.Execution;

/// <summary>
/// Evaluates a join rule on one record: looks its key up in each reference index, keeps the matches that meet the
/// join's <c>where</c>, picks the match(es) the join asks for, and returns every record context on which the rule's
/// condition is TRUE.
/// </summary>
internal static class JoinEvaluator
{
    public static List<Record[]>? Evaluate(CompiledRule rule, Record primary, IReadOnlyDictionary<CompiledJoin, Dictionary<string, List<Record>>> indexes)
    {
        List<Record[]>? fired = null;
        foreach (Record[] context in Join(rule, primary, indexes) ?? [])
        {
            if (rule.ContextPredicate!(context))
            {
                (fired ??= []).Add(context);
            }
        }

        return fired;
    }

    /// <summary>The record contexts the joins make of a record, before the rule's condition; <see langword="null"/> when a join leaves none.</summary>
    public static List<Record[]>? Join(CompiledRule rule, Record primary, IReadOnlyDictionary<CompiledJoin, Dictionary<string, List<Record>>> indexes)
    {
        int size = rule.Joins.Length + 1;
        var first = new Record[size];
        first[0] = primary;
        List<Record[]> contexts = [first];
        foreach (CompiledJoin join in rule.Joins)
        {
            var next = new List<Record[]>();
            foreach (Record[] context in contexts)
            {
                List<Record> matches = Matches(join, context, indexes[join]);
                if (join.Aggregates is { } aggregates)
                {
                    // One context whatever the number of matches: an inner join still needs one, a left join none.
                    if (matches.Count > 0 || join.Definition.Kind == JoinKind.Left)
                    {
                        next.Add(With(context, join.Source, aggregates.Aggregate(context, join.Source, matches)));
                    }

                    continue;
                }

                switch (join.Definition.Kind)
                {
                    case JoinKind.NotExists:
                        if (matches.Count == 0)
                        {
                            next.Add(With(context, join.Source, join.NullRecord));
                        }

                        break;
                    case JoinKind.Left when matches.Count == 0:
                        next.Add(With(context, join.Source, join.NullRecord));
                        break;
                    case JoinKind.Exists:
                        if (matches.Count > 0)
                        {
                            next.Add(With(context, join.Source, matches[0]));
                        }

                        break;
                    default:
                        foreach (Record match in Choose(join, matches))
                        {
                            next.Add(With(context, join.Source, match));
                        }

                        break;
                }
            }

            if (next.Count == 0)
            {
                return null;
            }

            contexts = next;
        }

        return contexts;
    }

    /// <summary>
    /// For an explanation: how many reference records share the context's key for a join, and how many of them meet
    /// its <c>where</c>; <see langword="null"/> when the key is empty.
    /// </summary>
    public static (int? WithKey, int Matching) Candidates(CompiledJoin join, Record[] context, Dictionary<string, List<Record>> index)
    {
        string? key = JoinKeys.Of(join.LeftKey, context);
        if (key is null)
        {
            return (null, 0);
        }

        int withKey = index.TryGetValue(key, out List<Record>? candidates) ? candidates.Count : 0;
        return (withKey, withKey == 0 ? 0 : Matches(join, context, index).Count);
    }

    private static List<Record> Matches(CompiledJoin join, Record[] context, Dictionary<string, List<Record>> index)
    {
        string? key = JoinKeys.Of(join.LeftKey, context);
        if (key is null || !index.TryGetValue(key, out List<Record>? candidates))
        {
            return [];
        }

        if (join.Where is null)
        {
            return candidates;
        }

        int count = candidates.Count;
        if (join.IntervalProbeEnd is { } probeEnd)
        {
            // Matches are sorted by interval start: only those starting by the rule's interval end can overlap it.
            if (probeEnd(context) is not int end)
            {
                return [];
            }

            int low = 0;
            int high = count;
            while (low < high)
            {
                int middle = (low + high) / 2;
                if (ReferenceTable.IntervalStart(candidates[middle], join.IntervalStartField) <= end)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            count = low;
        }

        var passing = new List<Record>();
        var probe = (Record[])context.Clone();
        for (int i = 0; i < count; i++)
        {
            Record candidate = candidates[i];
            probe[join.Source] = candidate;
            if (join.Where(probe))
            {
                passing.Add(candidate);
            }
        }

        return passing;
    }

    private static IEnumerable<Record> Choose(CompiledJoin join, List<Record> matches)
    {
        if (matches.Count == 0)
        {
            return [];
        }

        switch (join.Definition.Match)
        {
            case JoinMatch.All:
                return matches;
            case JoinMatch.Latest:
                Record latest = matches[0];
                foreach (Record candidate in matches.Skip(1))
                {
                    if (Compare(candidate.GetValue(join.LatestField), latest.GetValue(join.LatestField)) > 0)
                    {
                        latest = candidate;
                    }
                }

                return [latest];
            default:
                return [matches[0]];
        }
    }

    private static int Compare(object? a, object? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (IComparable x, _) => x.CompareTo(b),
        _ => 0,
    };

    private static Record[] With(Record[] context, int slot, Record record)
    {
        var copy = (Record[])context.Clone();
        copy[slot] = record;
        return copy;
    }
}
