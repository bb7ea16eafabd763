namespace RuleRunner.Tests;

/// <summary>
/// The same models and data give byte-identical clue files whatever the degree of parallelism, the culture
/// (zh-CN, tr-TR with its dotless i, invariant) and the time zone (Asia/Shanghai, UTC).
/// </summary>
public sealed class DeterminismTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rulerunner-determinism-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    public void Clue_files_are_byte_identical_across_parallelism_cultures_and_time_zones(string format)
    {
        string data = Path.Combine(_folder, "data");
        (int generated, string generatedOutput) = Runner.RuleRunner("gen", "--models", Runner.SampleModels, "--out", data, "--records", "3000", "--seed", "11");
        Assert.True(generated == 0, generatedOutput);
        (string Parallelism, string Culture, string TimeZone)[] settings =
        [
            ("1", "C.UTF-8", "UTC"),
            ("4", "zh_CN.UTF-8", "Asia/Shanghai"),
            ("3", "tr_TR.UTF-8", "UTC"),
            ("2", "de_DE.UTF-8", "Asia/Shanghai"),
        ];

        var files = new List<byte[]>();
        foreach ((string parallelism, string culture, string timeZone) in settings)
        {
            string output = Path.Combine(_folder, $"clues-{parallelism}.{format}");
            var environment = new Dictionary<string, string> { ["LANG"] = culture, ["LC_ALL"] = culture, ["TZ"] = timeZone };
            (int exitCode, string ran) = Runner.RuleRunnerWith(environment, "run", "--models", Runner.SampleModels, "--data-dir", data, "--out", output, "--format", format, "--parallelism", parallelism, "--reveal-personal-data", "--progress", "off");
            Assert.True(exitCode == 0, ran);
            files.Add(File.ReadAllBytes(output));
        }

        Assert.True(files[0].Length > 10_000);
        Assert.All(files, file => Assert.Equal(files[0], file));
    }
}
