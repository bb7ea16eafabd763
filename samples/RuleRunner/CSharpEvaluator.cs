using System.Globalization;
using RuleEngine;
using RuleEngine.ChineseData;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;
using RuleEngine.Scripting;
using RuleEngine.Scripting.Api;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>
/// Evaluates C# typed by an author over one dataset's data file, in a <see cref="ScriptSession"/>: each submission
/// passes the script rules' gate, runs as a rule's script (so a Boolean expression counts exactly what a script rule
/// would flag), is evaluated on the current record, and is kept for the next submission.
/// </summary>
internal sealed class CSharpEvaluator(DatasetDefinition dataset, string file, IReadOnlyDictionary<string, object?> parameters, bool reveal)
{
    private const string Rule = "csharp";

    public ScriptSession Session { get; } = new(dataset.Schema, parameters);

    /// <summary>
    /// Compiles a submission; when it is a condition, counts it over the file; then evaluates it on the record at
    /// <paramref name="line"/>, prints its value and keeps what it declared. Returns whether it ran.
    /// </summary>
    public async Task<bool> PrintAsync(string code, long line, TextWriter output, CancellationToken cancellationToken)
    {
        var builder = new RuleSetBuilder().AddDataset(dataset.Schema).UseScriptCompiler(Session)
            .AddRule(new RuleDefinition(Rule, dataset.Schema.Name, string.Empty) { Script = code, ScriptSource = SourceMap.StartingAt(new SourceLocation(null, 1, 1, 1, 1)) });
        RuleSet rules;
        try
        {
            rules = builder.Build();
            await ConditionEvaluator.PrintDiagnosticsAsync(code, rules.Diagnostics.Where(d => d.Id != DiagnosticIds.NoSubjectKey), output).ConfigureAwait(false);
        }
        catch (RuleCompilationException e)
        {
            await ConditionEvaluator.PrintDiagnosticsAsync(code, e.Diagnostics.Where(d => d.Id != DiagnosticIds.NoSubjectKey), output).ConfigureAwait(false);
            return false;
        }

        ScriptSubmission submission = Session.LastCompiled!;
        if (submission.IsCondition)
        {
            await CountAsync(rules, submission, output, cancellationToken).ConfigureAwait(false);
        }

        submission.Reset();
        RecordExplanation explanation = await rules.ExplainAsync(dataset.Open(file), line, options: new RunOptions { RevealPersonalData = reveal }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!explanation.Found || explanation.Rejection is not null)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  line {line}: {(explanation.Found ? "not read: " + explanation.Rejection : "no record there")} (:record <line> picks another)")).ConfigureAwait(false);
            return false;
        }

        if (!submission.IsEvaluated)
        {
            RuleExplanation failed = explanation.Rules.Single(r => r.RuleId == Rule);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  line {line}: failed ({failed.ErrorCode}): {failed.Note}")).ConfigureAwait(false);
            return false;
        }

        Session.Commit(submission);
        if (submission.ValueType is { } type)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  line {line}: {Show(submission.LastValue, submission.FieldsRead)}  ({type})")).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Runs the submission over the whole file, one record at a time, and prints what it gave.</summary>
    private async Task CountAsync(RuleSet rules, ScriptSubmission submission, TextWriter output, CancellationToken cancellationToken)
    {
        submission.Reset();
        var lines = new ConditionEvaluator.FirstLines(Rule, 10);
        RunSummary summary = await rules.RunAsync(dataset.Open(file), lines, new RunOptions { MaxDegreeOfParallelism = 1, QuarantineAfterErrors = long.MaxValue, RevealPersonalData = reveal }, cancellationToken).ConfigureAwait(false);
        var counts = new ConditionCounts(summary.RecordsRead, summary.RecordsRejected, submission.TrueCount, submission.FalseCount, submission.UnknownCount, summary.RuleErrors, lines.Lines);
        await ConditionEvaluator.PrintCountsAsync(file, counts, output).ConfigureAwait(false);
        if (summary.Rejections.FirstOrDefault(r => r.RuleId == Rule) is { } error)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  failed first on line {error.Line}: {error.Code} {error.Message}")).ConfigureAwait(false);
        }
    }

    /// <summary>A value as C# shows it; text from a personal field is masked unless revealed (and the ID numbers in any text).</summary>
    private string Show(object? value, IReadOnlyList<string> fieldsRead)
    {
        PersonalDataKind personal = reveal ? PersonalDataKind.None
            : fieldsRead.Select(f => dataset.Schema.Fields.First(d => d.Name == f).Personal).FirstOrDefault(k => k != PersonalDataKind.None);
        return value switch
        {
            null => "null",
            bool flag => flag ? "true" : "false",
            string text => "\"" + (reveal ? text : PersonalDataMasker.Mask(text, personal)) + "\"",
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            TextList list => "[" + string.Join(", ", Enumerable.Range(0, list.Count).Select(i => "\"" + (reveal ? list[i] : PersonalDataMasker.Mask(list[i], personal)) + "\"")) + "]",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => personal == PersonalDataKind.None ? value.ToString() ?? string.Empty : "(withheld: it reads personal data; --reveal-personal-data shows it)",
        };
    }
}
