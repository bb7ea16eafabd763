using RuleEngine.Fuzz;

namespace RuleEngine.Yaml.Tests;

/// <summary>
/// Every input of the coverage-guided fuzzing corpus (<c>tests/RuleEngine.Fuzz/corpus/&lt;target&gt;/</c>) — seeds and
/// every crash afl-fuzz found, once fixed — runs through its target without an undocumented exception.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        string corpus = Path.Combine(ModelCompileAndTestRunnerTests.RepositoryRoot(), "tests", "RuleEngine.Fuzz", "corpus");
        foreach (string target in FuzzTargets.All.Keys)
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(corpus, target)).Order(StringComparer.Ordinal))
            {
                data.Add(target, Path.GetRelativePath(corpus, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_corpus_input_runs_through_its_target_without_an_undocumented_exception(string target, string input)
    {
        string corpus = Path.Combine(ModelCompileAndTestRunnerTests.RepositoryRoot(), "tests", "RuleEngine.Fuzz", "corpus");
        using FileStream stream = File.OpenRead(Path.Combine(corpus, input));

        FuzzTargets.All[target](stream);
    }
}
