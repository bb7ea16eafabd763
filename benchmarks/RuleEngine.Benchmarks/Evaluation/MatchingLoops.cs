using RuleEngine.Benchmarks.Workload;
using RuleEngine.Execution;
using RuleEngine.Execution.Dispatch;
using RuleEngine.Records;

namespace RuleEngine.Benchmarks.Evaluation;

/// <summary>The two loops the matching benchmarks time: every lambda on every record, and RuleEngine's dispatch then predicates.</summary>
internal static class MatchingLoops
{
    /// <summary>Counts the matches of every hand-written lambda on every record.</summary>
    public static int Lambdas(CaseRecord[] records, Func<CaseRecord, bool>[] lambdas)
    {
        int matches = 0;
        foreach (CaseRecord record in records)
        {
            for (int r = 0; r < lambdas.Length; r++)
            {
                if (lambdas[r](record))
                {
                    matches++;
                }
            }
        }

        return matches;
    }

    /// <summary>Counts the matches of the compiled rules, each record evaluating only the candidates its dispatch leaves.</summary>
    public static int Indexed(Record[] records, CompiledDataset compiled, int[] candidates)
    {
        int matches = 0;
        CompiledRule[] rules = compiled.Rules;
        RuleDispatch dispatch = compiled.Dispatch;
        foreach (Record record in records)
        {
            int count = dispatch.Candidates(record, candidates);
            for (int c = 0; c < count; c++)
            {
                if (rules[candidates[c]].Predicate(record))
                {
                    matches++;
                }
            }
        }

        return matches;
    }
}
