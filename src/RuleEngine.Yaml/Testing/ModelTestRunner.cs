using System.Globalization;
using RuleEngine.ChineseData;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Yaml;

/// <summary>The outcome of one model test.</summary>
/// <param name="ModelId">The model.</param>
/// <param name="TestName">The test.</param>
/// <param name="Location">Where the test is written.</param>
/// <param name="Failures">What went wrong, one line each: a missing clue, an unexpected clue, a wrong evidence value, a rejected record.</param>
public sealed record ModelTestResult(string ModelId, string TestName, SourceLocation Location, IReadOnlyList<string> Failures)
{
    /// <summary>Gets a value indicating whether the test passed.</summary>
    public bool Passed => Failures.Count == 0;
}

/// <summary>The outcome of running the tests of a model set.</summary>
/// <param name="Results">One result per test, in file order.</param>
public sealed record ModelTestReport(IReadOnlyList<ModelTestResult> Results)
{
    /// <summary>Gets a value indicating whether every test passed.</summary>
    public bool Passed => Results.All(r => r.Passed);

    /// <summary>Gets how many tests passed.</summary>
    public int PassedCount => Results.Count(r => r.Passed);

    /// <summary>Gets how many tests failed.</summary>
    public int FailedCount => Results.Count(r => !r.Passed);
}

/// <summary>
/// Runs the tests written in model files. Each test compiles its model with the test's region and parameters, reads
/// its records as production data is read, and compares the clues with the expected ones: every expected clue must
/// appear (same rule, same subject, the listed evidence values) and no other clue may.
/// </summary>
public static class ModelTestRunner
{
    /// <summary>Runs every test of every model in the set.</summary>
    /// <param name="models">The models.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The results.</returns>
    /// <exception cref="RuleCompilationException">The model set has errors.</exception>
    public static async Task<ModelTestReport> RunAsync(ModelSet models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.HasErrors)
        {
            throw new RuleCompilationException(models.Diagnostics);
        }

        var results = new List<ModelTestResult>();
        foreach (SupervisionModel model in models.Models)
        {
            foreach (ModelTest test in model.Tests)
            {
                results.Add(await RunAsync(models, model, test, cancellationToken).ConfigureAwait(false));
            }
        }

        return new ModelTestReport(results);
    }

    private static async Task<ModelTestResult> RunAsync(ModelSet models, SupervisionModel model, ModelTest test, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        RuleSet rules;
        try
        {
            rules = models.Compile([model], new ModelCompileOptions
            {
                Region = test.Region,
                Parameters = test.ParameterOverrides.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            });
        }
        catch (RuleCompilationException e)
        {
            return new ModelTestResult(model.Id, test.Name, test.Location, [.. e.Diagnostics.Where(d => d.IsError).Select(d => d.ToString())]);
        }

        var sources = new List<(RecordSource Source, TestRecords Records)>();
        foreach (TestRecords records in test.Records)
        {
            DatasetDefinition dataset = models.Datasets[records.Dataset];
            if (records.File is null && !Testing.InlineRecords.Supports(dataset))
            {
                return new ModelTestResult(model.Id, test.Name, test.Location, [$"inline records of '{records.Dataset}' cannot be written: a column name holds a dot; give the records as 'file:' with a CSV file"]);
            }

            sources.Add((records.File is null ? Testing.InlineRecords.ToSource(dataset, records.Inline) : dataset.Open(records.File), records));
        }

        // A dataset the model joins that the test gives no records of is empty in the test: an anti-join then finds nothing.
        foreach (string joined in rules.Rules.SelectMany(r => r.Joins).Select(j => j.Dataset).Distinct(StringComparer.Ordinal)
            .Where(d => models.Datasets.ContainsKey(d) && !test.Records.Any(r => r.Dataset == d)))
        {
            sources.Add((Testing.InlineRecords.ToSource(models.Datasets[joined], []), new TestRecords(joined, test.Location)));
        }

        var sink = new CollectingSink();
        RunSummary summary = await rules.RunAsync(sources.Select(s => s.Source), sink, new RunOptions { RevealPersonalData = true, MaxDegreeOfParallelism = 1 }, cancellationToken).ConfigureAwait(false);
        var warnings = new List<RecordRejection>();
        foreach (RecordRejection rejection in summary.Rejections)
        {
            if (rejection.Code == DiagnosticIds.InvalidIdNumber && rejection.RuleId is null)
            {
                warnings.Add(rejection);
                continue;
            }

            failures.Add($"{Describe(sources, rejection.Dataset, rejection.Line)} was {(rejection.RuleId is null ? "rejected" : $"not evaluated by rule {rejection.RuleId}")}: {rejection.Code}: {rejection.Message}");
        }

        foreach (ExpectedWarning expected in test.Warnings)
        {
            RecordRejection? warning = warnings.Find(w => w.Dataset == expected.Dataset && w.Field == expected.Field && w.Code == expected.Code);
            if (warning is null)
            {
                failures.Add($"missing warning: {expected.Code} on field '{expected.Field}' of '{expected.Dataset}' (expected at line {expected.Location.Line})");
                continue;
            }

            warnings.Remove(warning);
        }

        var unmatched = new List<Clue>(sink.Clues);
        foreach (ExpectedClue expected in test.Expected)
        {
            RuleDefinition rule = model.Rules.First(r => expected.Rule is null ? r.Derive is null : ModelSet.ShortId(r) == expected.Rule || r.Id == expected.Rule);
            DatasetSchema schema = rules.Datasets[rule.Dataset];
            string subject = NormalizeSubject(expected.Subject, SubjectFields.Of(rule, rules.Datasets.GetValueOrDefault));
            Clue? clue = unmatched.Find(c => c.RuleId == rule.Id && c.SubjectKey == subject);
            if (clue is null)
            {
                string produced = sink.Clues.Count == 0 ? "no clue was produced" : "produced: " + string.Join("; ", sink.Clues.Select(c => $"{c.RuleId} {c.SubjectKey}"));
                failures.Add($"missing clue: rule {rule.Id}, subject {subject} (expected at line {expected.Location.Line}); {produced}");
                continue;
            }

            unmatched.Remove(clue);
            foreach ((string field, object? value) in expected.Evidence)
            {
                EvidenceValue? actual = clue.Evidence.FirstOrDefault(e => e.Field == field);
                if (actual is null)
                {
                    failures.Add($"clue {rule.Id} {subject} has no evidence field '{field}' (it shows {string.Join(", ", clue.Evidence.Select(e => e.Field))})");
                }
                else if (!Matches(actual.Value, value, schema.TryGetField(field, out FieldDefinition? definition) ? definition : new FieldDefinition(field, FieldType.String)))
                {
                    failures.Add($"wrong evidence in clue {rule.Id} {subject}: {field} is {Format(actual.Value)}, expected {Format(value)}");
                }
            }
        }

        foreach (Clue clue in unmatched)
        {
            failures.Add($"unexpected clue: rule {clue.RuleId}, subject {clue.SubjectKey}, from {Describe(sources, clue.Dataset, clue.Line)}");
        }

        // A warning the test did not list fails it when it states its warnings, and explains a failure when it does not
        // (a mistyped ID number in a test record joins nothing).
        if (test.Warnings.Count > 0 || failures.Count > 0)
        {
            foreach (RecordRejection warning in warnings)
            {
                failures.Add($"{(test.Warnings.Count > 0 ? "unexpected warning" : "warning")}: {Describe(sources, warning.Dataset, warning.Line)}: {warning.Code}: {warning.Message}");
            }
        }

        return new ModelTestResult(model.Id, test.Name, test.Location, failures);
    }

    private static string Describe(List<(RecordSource Source, TestRecords Records)> sources, string dataset, long line)
    {
        TestRecords? records = sources.Select(s => s.Records).FirstOrDefault(r => r.Dataset == dataset);
        if (records is { File: null } && line >= 1 && line <= records.Inline.Count)
        {
            return $"record {line} of '{dataset}' (line {records.Inline[(int)line - 1].Location.Line})";
        }

        return records?.File is { } file ? $"line {line} of {Path.GetFileName(file)}" : $"record {line} of '{dataset}'";
    }

    private static string NormalizeSubject(string expected, FieldDefinition?[] fields)
    {
        string[] parts = expected.Split('|');
        for (int i = 0; i < parts.Length && i < fields.Length; i++)
        {
            if (fields[i] is { } field)
            {
                parts[i] = SubjectPart(parts[i], field.Type);
            }
        }

        return string.Join('|', parts);
    }

    /// <summary>An expected value normalised as the field is read.</summary>
    private static string Normalize(string text, FieldType type) => type switch
    {
        FieldType.IdNumber => IdNumber.Normalize(text),
        FieldType.CreditCode => CreditCode.Normalize(text),
        FieldType.CaseNo => CaseNumber.Normalize(text),
        _ => text,
    };

    /// <summary>An expected subject part normalised as the engine names subjects: as the field is read, then as a key.</summary>
    private static string SubjectPart(string text, FieldType type) => type is FieldType.String
        ? Execution.JoinKeys.Normalize(text) ?? string.Empty
        : Normalize(text, type);

    private static bool Matches(object? actual, object? expected, FieldDefinition field)
    {
        switch (expected)
        {
            case null:
                return actual is null;
            case string[] items:
                return actual is string[] values && values.SequenceEqual(items);
        }

        string text = (string)expected;
        return actual switch
        {
            null => false,
            decimal or double or int or long => decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out decimal number)
                && Convert.ToDecimal(actual, CultureInfo.InvariantCulture) == number,
            bool flag => string.Equals(text, flag ? "true" : "false", StringComparison.OrdinalIgnoreCase),
            DateOnly date => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly other) && other == date,
            DateTime time => DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime other) && other == time,
            string s => s == Normalize(text, field.Type),
            _ => false,
        };
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string[] items => "[" + string.Join(", ", items) + "]",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private sealed class CollectingSink : IClueSink
    {
        public List<Clue> Clues { get; } = [];

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            Clues.Add(clue);
            return ValueTask.CompletedTask;
        }
    }
}
