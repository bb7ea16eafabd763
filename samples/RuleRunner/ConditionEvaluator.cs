using System.Globalization;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>What a condition gives over a data file: records where it is true, false and unknown, and the first true lines.</summary>
/// <param name="Read">Records read (rejected ones included).</param>
/// <param name="Rejected">Records the reader rejected (not evaluated).</param>
/// <param name="True">Records on which the condition is TRUE: the ones a rule with it would flag.</param>
/// <param name="False">Records on which it is FALSE.</param>
/// <param name="Unknown">Records on which it is UNKNOWN (a value it reads is empty).</param>
/// <param name="Failed">Records on which it failed (an overflow, a value that does not convert).</param>
/// <param name="FirstTrueLines">The first lines on which it is TRUE, in input order.</param>
internal sealed record ConditionCounts(long Read, long Rejected, long True, long False, long Unknown, long Failed, IReadOnlyList<long> FirstTrueLines);

/// <summary>
/// Evaluates conditions typed by an author over one dataset's data file, with the engine's own compiler and run: the
/// condition becomes two rules (itself and its negation), so what it counts is exactly what a model's rule would flag.
/// Parameters are those of a chosen model, if any.
/// </summary>
internal sealed class ConditionEvaluator(DatasetDefinition dataset, string file, IReadOnlyDictionary<string, object?> parameters, bool reveal)
{
    private const string TrueRule = "condition";
    private const string FalseRule = "negation";

    public DatasetDefinition Dataset { get; } = dataset;

    public string File { get; } = file;

    /// <summary>Gets the parameters conditions may use.</summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; } = parameters;

    /// <summary>The line of the file's first record (after a header, a comment, a rejected line); 1 for an empty file.</summary>
    public async Task<long> FirstLineAsync(CancellationToken cancellationToken)
    {
        ConditionCounts first = await CountAsync(Compile("TRUE").Rules!, 1, cancellationToken).ConfigureAwait(false);
        return first.FirstTrueLines.Count > 0 ? first.FirstTrueLines[0] : 1;
    }

    /// <summary>Compiles a condition; the diagnostics carry its column, a code and a hint, as a model's would.</summary>
    public (RuleSet? Rules, IReadOnlyList<Diagnostic> Diagnostics) Compile(string condition)
    {
        var builder = new RuleSetBuilder().AddDataset(Dataset.Schema);
        builder.AddRule(new RuleDefinition(TrueRule, Dataset.Schema.Name, condition) { Parameters = Parameters, ConditionSource = SourceMap.StartingAt(new SourceLocation(null, 1, 1, 1, 1)) });
        builder.AddRule(new RuleDefinition(FalseRule, Dataset.Schema.Name, $"NOT ({condition})") { Parameters = Parameters });
        IReadOnlyList<Diagnostic> diagnostics = builder.Validate();

        // The negation repeats the condition's problems at other columns: only the condition's own are shown.
        Diagnostic[] own = [.. diagnostics.Where(d => d.RuleId != FalseRule && d.Id != DiagnosticIds.NoSubjectKey)];
        return own.Any(d => d.IsError) ? (null, own) : (builder.Build(), own);
    }

    public async Task<ConditionCounts> CountAsync(RuleSet rules, int firstLines, CancellationToken cancellationToken)
    {
        var sink = new FirstLines(TrueRule, firstLines);
        var options = new RunOptions { QuarantineAfterErrors = long.MaxValue, RevealPersonalData = reveal };
        RunSummary summary = await rules.RunAsync(Dataset.Open(File), sink, options, cancellationToken).ConfigureAwait(false);
        long trueCount = summary.CluesPerRule.GetValueOrDefault(TrueRule);
        long falseCount = summary.CluesPerRule.GetValueOrDefault(FalseRule);

        // A record on which the condition fails fails its negation too: two rule errors.
        long failed = summary.RuleErrors / 2;
        long evaluated = summary.RecordsRead - summary.RecordsRejected - summary.RecordsExcluded;
        return new ConditionCounts(summary.RecordsRead, summary.RecordsRejected, trueCount, falseCount, evaluated - trueCount - falseCount - failed, failed, sink.Lines);
    }

    public Task<RecordExplanation> ExplainAsync(RuleSet rules, long line, CancellationToken cancellationToken) =>
        rules.ExplainAsync(Dataset.Open(File), line, options: new RunOptions { RevealPersonalData = reveal }, cancellationToken: cancellationToken);

    /// <summary>Prints a condition's counts, or its diagnostics with a caret under the column.</summary>
    public async Task<bool> PrintAsync(string condition, long? line, TextWriter output, CancellationToken cancellationToken)
    {
        (RuleSet? rules, IReadOnlyList<Diagnostic> diagnostics) = Compile(condition);
        await PrintDiagnosticsAsync(condition, diagnostics, output).ConfigureAwait(false);
        if (rules is null)
        {
            return false;
        }

        if (line is { } at)
        {
            RecordExplanation explanation = await ExplainAsync(rules, at, cancellationToken).ConfigureAwait(false);
            ExplainCommand.Print(explanation, File, explanation.Rules.Where(r => r.RuleId == TrueRule), output);
            return explanation.Found;
        }

        ConditionCounts counts = await CountAsync(rules, 10, cancellationToken).ConfigureAwait(false);
        await PrintCountsAsync(File, counts, output).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Prints diagnostics of typed text as the author sees them: the line of the text, a caret under the column, the
    /// code, the message and the hint.
    /// </summary>
    public static async Task PrintDiagnosticsAsync(string text, IEnumerable<Diagnostic> diagnostics, TextWriter output)
    {
        string[] lines = text.Split('\n');
        foreach (Diagnostic diagnostic in diagnostics)
        {
            int lineIndex = diagnostic.Location.IsKnown ? Math.Clamp(diagnostic.Location.Line, 1, lines.Length) - 1 : 0;
            string line = lines[lineIndex].TrimEnd('\r');
            int column = diagnostic.Location.IsKnown ? Math.Clamp(diagnostic.Location.Column, 1, line.Length + 1) : 1;
            string where = lines.Length > 1 ? string.Create(CultureInfo.InvariantCulture, $"line {lineIndex + 1} column {column}") : string.Create(CultureInfo.InvariantCulture, $"column {column}");
            await output.WriteLineAsync($"  {line}").ConfigureAwait(false);
            await output.WriteLineAsync($"  {new string(' ', DisplayWidth(line.AsSpan(0, column - 1)))}^").ConfigureAwait(false);
            await output.WriteLineAsync($"{(diagnostic.IsError ? "error" : "warning")} {diagnostic.Id} at {where}: {diagnostic.Message}{(diagnostic.Hint is { } hint ? " " + hint : string.Empty)}").ConfigureAwait(false);
        }
    }

    /// <summary>Prints what a condition gave over a file, and its first true lines.</summary>
    public static async Task PrintCountsAsync(string file, ConditionCounts counts, TextWriter output)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}: {counts.Read} records: true {counts.True}, false {counts.False}, unknown {counts.Unknown}{(counts.Failed > 0 ? $", failed {counts.Failed}" : string.Empty)}{(counts.Rejected > 0 ? $", not read {counts.Rejected}" : string.Empty)}")).ConfigureAwait(false);
        if (counts.FirstTrueLines.Count > 0)
        {
            await output.WriteLineAsync($"  true on line(s) {string.Join(", ", counts.FirstTrueLines)}{(counts.True > counts.FirstTrueLines.Count ? ", …" : string.Empty)}").ConfigureAwait(false);
        }
    }

    /// <summary>How many terminal columns text takes: two for Chinese and other wide characters.</summary>
    public static int DisplayWidth(ReadOnlySpan<char> text)
    {
        int width = 0;
        foreach (char c in text)
        {
            width += c is (>= '\u1100' and <= '\u115F') or (>= '\u2E80' and <= '\uA4CF') or (>= '\uAC00' and <= '\uD7A3') or (>= '\uF900' and <= '\uFAFF') or (>= '\uFE30' and <= '\uFE4F') or (>= '\uFF00' and <= '\uFF60') or (>= '\uFFE0' and <= '\uFFE6') ? 2 : 1;
        }

        return width;
    }

    /// <summary>The parameters a condition may use: those of a model, with their default (or regional) values.</summary>
    public static IReadOnlyDictionary<string, object?> ParametersOf(ModelSet models, string? modelId, string? region)
    {
        if (modelId is null)
        {
            return new Dictionary<string, object?>();
        }

        RuleSet compiled = models.Compile(new ModelCompileOptions { Models = [modelId], Region = region });
        return compiled.Rules.FirstOrDefault()?.Parameters ?? new Dictionary<string, object?>();
    }

    /// <summary>Counts nothing itself: keeps the lines of the first clues of one rule.</summary>
    internal sealed class FirstLines(string rule, int keep) : IClueSink
    {
        private readonly List<long> _lines = [];

        public IReadOnlyList<long> Lines => _lines;

        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            if (clue.RuleId == rule && _lines.Count < keep)
            {
                _lines.Add(clue.Line);
            }

            return ValueTask.CompletedTask;
        }
    }
}
