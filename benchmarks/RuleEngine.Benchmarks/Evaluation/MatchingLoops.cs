using System.Linq.Expressions;
using NRules;
using NRules.RuleModel;
using NRules.RuleModel.Builders;
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

    /// <summary>Counts the matches of a <see cref="RuleMatcher{T}"/> over host objects, one call per object.</summary>
    public static int Matcher(IEnumerable<CaseRecord> objects, RuleMatcher<CaseRecord> matcher, int[] matched)
    {
        int matches = 0;
        foreach (CaseRecord record in objects)
        {
            matches += matcher.Match(record, matched);
        }

        return matches;
    }

    /// <summary>Counts the matches of the compiled rules as a run finds them: each record evaluating only the candidates its dispatch leaves, or every rule together when the index does not pay.</summary>
    public static int Indexed(Record[] records, CompiledDataset compiled, int[] candidates)
    {
        int matches = 0;
        CompiledRule[] rules = compiled.Rules;
        RuleDispatch dispatch = compiled.Dispatch;
        if (compiled.EvaluatedTogether(dispatch) is { } together)
        {
            // As a run does when the index does not pay: the rules 64 to a method, and each TRUE one tested again
            // by its own predicate (where a run builds its clue).
            foreach (Record record in records)
            {
                for (int chunk = 0; chunk < together.Length; chunk++)
                {
                    for (ulong bits = together[chunk](record); bits != 0; bits &= bits - 1)
                    {
                        if (rules[(chunk << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits)].Predicate(record))
                        {
                            matches++;
                        }
                    }
                }
            }

            return matches;
        }

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

    /// <summary>The same conditions as NRules rules, each a pattern over <see cref="CaseRecord"/> named <c>r</c> with an empty action.</summary>
    public static ISessionFactory NRules(IEnumerable<LambdaExpression> conditions)
    {
        var definitions = new List<IRuleDefinition>();
        foreach ((LambdaExpression condition, int i) in conditions.Select((c, i) => (c, i)))
        {
            var builder = new RuleBuilder();
            builder.Name("R" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.LeftHandSide().Pattern(typeof(CaseRecord), "r").Condition(condition);
            Expression<Action<IContext, CaseRecord>> action = (ctx, r) => Matched();
            builder.RightHandSide().Action(action);
            definitions.Add(builder.Build());
        }

        return new RuleCompiler().Compile(definitions);
    }

    /// <summary>Runs the NRules rules over the records and counts the rules fired.</summary>
    public static int NRulesMatches(ISessionFactory factory, CaseRecord[] records)
    {
        ISession session = factory.CreateSession();
        session.InsertAll(records);
        return session.Fire();
    }

    private static void Matched()
    {
    }
}
