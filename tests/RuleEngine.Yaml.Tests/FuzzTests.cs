using System.Text;
using System.Text.RegularExpressions;
using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Tests.Support;

namespace RuleEngine.Yaml.Tests;

/// <summary>
/// A bounded, seeded fuzz test of the model loader: every sample model, mutated many ways (bytes flipped, YAML
/// punctuation inserted, lines cut, repeated or swapped, the file truncated). Loading must never throw, never hang,
/// and report every problem as a coded diagnostic with a location.
/// </summary>
public sealed partial class FuzzTests
{
    private const int MutationsPerModel = 40;
    private static readonly byte[] Punctuation = "[]{}&*!|>:'\"#%@`-?,\t\n\\\u00a0"u8.ToArray();

    public static TheoryData<string> SampleModels()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(ModelCompileAndTestRunnerTests.RepositoryRoot(), "samples", "models"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleModels))]
    public async Task A_mutated_model_file_gives_coded_diagnostics_and_never_throws_or_hangs(string model)
    {
        string models = Path.Combine(ModelCompileAndTestRunnerTests.RepositoryRoot(), "samples", "models");
        byte[] original = File.ReadAllBytes(Path.Combine(models, model));
        var random = new Random(model.Aggregate(20261127, (hash, c) => unchecked((hash * 31) + c)));
        using var folder = new ModelFolder();
        foreach (string dataset in Directory.EnumerateFiles(Path.Combine(models, "datasets")))
        {
            folder.Write(Path.Combine("datasets", Path.GetFileName(dataset)), File.ReadAllBytes(dataset));
        }

        for (int i = 0; i < MutationsPerModel; i++)
        {
            byte[] mutated = Mutate(original, random);
            folder.Write(model, mutated);
            // A hang guard, not a speed test: loading a 10 KB file takes milliseconds.
            ModelSet loaded = await Task.Run(folder.Load).WaitAsync(TimeSpan.FromSeconds(10));
            foreach (Diagnostic diagnostic in loaded.Diagnostics)
            {
                Assert.Matches(Code(), diagnostic.Id);
                Assert.True(diagnostic.Location.Path is not null && diagnostic.Location.IsKnown, $"mutation {i} of {model}: {diagnostic}");
                Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message));
            }
        }
    }

    internal static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, Punctuation[random.Next(Punctuation.Length)]);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 40)));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    List<string> lines = [.. Encoding.UTF8.GetString([.. bytes]).Split('\n')];
                    int line = random.Next(lines.Count);
                    lines.Insert(random.Next(lines.Count), lines[line]);
                    bytes = [.. Encoding.UTF8.GetBytes(string.Join('\n', lines))];
                    break;
                default:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(new string(' ', random.Next(1, 8))));
                    break;
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex("^(RE[0-9]{4}|CS[0-9]{4})$")]
    private static partial Regex Code();
}
