using RuleEngine.Benchmarks.Evaluation;

namespace RuleEngine.Benchmarks;

/// <summary>Runs every engine once per size and checks they find the same matches, so the benchmarks compare equal work.</summary>
internal static class Verification
{
    public static int Run()
    {
        bool ok = true;
        foreach (int rules in new[] { 1, 10, 100, 1000 })
        {
            var matching = new MatchingBenchmarks { Rules = rules };
            matching.Setup();
            int[] counts = [matching.HandWrittenLambda(), matching.RuleEngineIndexed(), matching.RuleEngineEveryRule(), matching.RuleEngineScripts(), matching.NRules()];
            ok &= Report($"matching, {rules} rules (lambda, RuleEngine indexed, RuleEngine every rule, RuleEngine scripts, NRules)", counts);
        }

        foreach (int rules in new[] { 10, 100 })
        {
            var shared = new SharedSubexpressionBenchmarks { Rules = rules };
            shared.Setup();
            ok &= Report($"shared sub-expressions, {rules} rules (computed in every rule, once per record)", [shared.ComputedInEveryRule(), shared.ComputedOncePerRecord()]);
        }

        foreach (int rules in new[] { 10, 100, 1000 })
        {
            var shapes = new RandomShapeBenchmarks { Rules = rules };
            shapes.Setup();
            ok &= Report($"random shapes, {rules} rules (lambda, RuleEngine indexed; {shapes.CandidatesPerRecord():0.0} candidates per record)", [shapes.HandWrittenLambda(), shapes.RuleEngineIndexed()]);
        }

        foreach (int rules in new[] { 10, 100, 1000 })
        {
            var selective = new SelectiveShapeBenchmarks { Rules = rules };
            selective.Setup();
            ok &= Report($"selective shapes, {rules} rules (lambda, hand index, matcher, RuleEngine indexed, NRules; {selective.CandidatesPerRecord():0.0} candidates per record)", [selective.HandWrittenLambda(), selective.HandWrittenIndexed(), selective.RuleEngineMatcher(), selective.RuleEngineIndexed(), selective.NRules()]);
        }

        foreach (string matches in new[] { "rare", "most" })
        {
            var duckDb = new EndToEnd.DuckDbComparisonBenchmarks { Rows = 100_000, Matches = matches };
            duckDb.Setup();
            ok &= Report($"end to end, 100,000 rows, {matches} match (DuckDB rows written, RuleEngine clues from CSV, from Parquet)", [(int)duckDb.DuckDb(), (int)duckDb.RuleEngine().GetAwaiter().GetResult(), (int)duckDb.RuleEngineParquet().GetAwaiter().GetResult()]);
            duckDb.Cleanup();
        }

        var single = new Micro.SingleRuleBenchmarks();
        single.Setup();
        ok &= Report("single rule (lambda, condition, script)", [single.HandWrittenLambda(), single.CompiledCondition(), single.TrustedScript()]);

        foreach (int rules in new[] { 10, 100 })
        {
            var peers = new PeerBenchmarks { Rules = rules };
            peers.Setup();
            int[] counts = [peers.HandWrittenLambda(), peers.RuleEngineIndexed(), peers.MicrosoftRulesEngine().GetAwaiter().GetResult()];
            ok &= Report($"peers, {rules} rules (lambda, RuleEngine indexed, Microsoft RulesEngine)", counts);
        }

        return ok ? 0 : 1;
    }

    private static bool Report(string what, int[] counts)
    {
        bool same = counts.All(c => c == counts[0]);
        Console.WriteLine($"{(same ? "same" : "DIFFERENT")}  {what}: {string.Join(", ", counts)}");
        return same;
    }
}
