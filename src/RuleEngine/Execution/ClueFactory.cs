using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RuleEngine.ChineseData;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Execution;

/// <summary>Builds a clue from a matching record: subject, fingerprint, masked evidence, title and explanation.</summary>
internal sealed class ClueFactory(RunOptions options)
{
    public Clue Create(CompiledRule rule, Record record)
    {
        DatasetSchema schema = record.Layout.Schema;
        string rawSubject = rule.SubjectFields.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"line:{record.Line}")
            : string.Join('|', rule.SubjectFields.Select(f => Format(record.GetValue(f))));
        string shownSubject = rule.SubjectFields.Length == 0
            ? rawSubject
            : string.Join('|', rule.SubjectFields.Select(f => Shown(schema.Fields[f], record.GetValue(f))));

        var evidence = new EvidenceValue[rule.EvidenceFields.Length];
        for (int i = 0; i < evidence.Length; i++)
        {
            int field = rule.EvidenceFields[i];
            object? value = record.GetValue(field);
            FieldDefinition definition = schema.Fields[field];
            object? shown = IsMasked(definition) && value is not null ? Shown(definition, value) : value;
            evidence[i] = new EvidenceValue(definition.Name, shown, schema.Name, record.Line);
        }

        return new Clue
        {
            ModelId = rule.Definition.ModelId,
            RuleId = rule.Definition.Id,
            RuleVersion = rule.Definition.Version,
            Dataset = schema.Name,
            Line = record.Line,
            SubjectKey = shownSubject,
            Fingerprint = Fingerprint(rule.Definition.Id, rawSubject),
            Title = rule.Title.Render(f => Shown(schema.Fields[f], record.GetValue(f))),
            Severity = rule.Definition.Clue.Severity,
            Action = rule.Definition.Clue.Action,
            Evidence = evidence,
            Explanation = Explain(rule, record),
        };
    }

    private static ConditionOutcome[] Explain(CompiledRule rule, Record record)
    {
        Func<Record, bool?>[] leaves = rule.Leaves.Value;
        var outcomes = new ConditionOutcome[leaves.Length];
        for (int i = 0; i < leaves.Length; i++)
        {
            try
            {
                outcomes[i] = new ConditionOutcome(rule.LeafTexts[i], leaves[i](record));
            }
            catch (Exception e) when (RuleFailure.TryClassify(e, out string code, out _))
            {
                outcomes[i] = new ConditionOutcome(rule.LeafTexts[i], null) { ErrorCode = code };
            }
        }

        return outcomes;
    }

    private string Fingerprint(string ruleId, string subject)
    {
        byte[] data = Encoding.UTF8.GetBytes(ruleId + "\n" + subject);
        byte[] hash = HMACSHA256.HashData(options.FingerprintKey.Span, data);
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    private bool IsMasked(FieldDefinition field) => !options.RevealPersonalData && field.Personal != PersonalDataKind.None;

    private string Shown(FieldDefinition field, object? value)
    {
        string text = Format(value);
        return IsMasked(field) && value is not null ? PersonalDataMasker.Mask(text, field.Personal)! : text;
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dateTime => dateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        string[] items => string.Join(';', items),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

/// <summary>Maps the exceptions a compiled rule can raise on a record to diagnostic codes.</summary>
internal static class RuleFailure
{
    public static bool TryClassify(Exception exception, out string code, out string message)
    {
        (code, message) = exception switch
        {
            OverflowException => (DiagnosticIds.ArithmeticOverflow, "Arithmetic overflowed its type."),
            DivideByZeroException => (DiagnosticIds.DivisionByZero, "Division by zero."),
            EvaluationException e => (e.Code, e.Message),
            System.Text.RegularExpressions.RegexMatchTimeoutException => (DiagnosticIds.EvaluationFailed, "A regular expression timed out."),
            ArgumentOutOfRangeException => (DiagnosticIds.ArithmeticOverflow, "A date or number left its range."),
            _ => (string.Empty, string.Empty),
        };
        return code.Length > 0;
    }
}
