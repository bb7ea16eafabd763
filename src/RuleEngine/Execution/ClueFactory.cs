using System.Globalization;
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
    [ThreadStatic]
    private static Record[]? t_single;

    public Clue Create(CompiledRule rule, Record record)
    {
        // The context of one record, kept per thread: an array per clue for the length of this call.
        Record[] context = t_single ??= new Record[1];
        context[0] = record;
        try
        {
            return Create(rule, context);
        }
        finally
        {
            context[0] = null!;
        }
    }

    /// <summary>Builds the clue of a record context: the rule's record in slot 0, joined records after it.</summary>
    public Clue Create(CompiledRule rule, Record[] context)
    {
        Record primary = context[0];
        (int Source, int Field)[] subjectFields = rule.SubjectFields;
        var subject = new string?[subjectFields.Length];
        bool named = false;
        for (int i = 0; i < subject.Length; i++)
        {
            subject[i] = SubjectPart(rule, Definition(context, subjectFields[i]), Value(context, subjectFields[i]));
            named |= subject[i] is not null;
        }

        // A NULL part joins as empty text; a subject with no part at all is the record's line.
        string rawSubject = named ? string.Join('|', subject) : string.Create(CultureInfo.InvariantCulture, $"line:{primary.Line}");
        string shownSubject = subject.Length == 0 ? rawSubject : JoinSubject(subjectFields, subject, context, Shown);
        string identity = context.Length == 1 ? rawSubject : rawSubject + "|" + string.Join('|', context.Skip(1).Select(r => r.Line.ToString(CultureInfo.InvariantCulture)));

        // Fields and computed values, each in its place.
        CompiledComputedEvidence[] computed = rule.Computed;
        object?[] computedValues = computed.Length == 0 ? [] : Compute(computed, context);
        var evidence = new EvidenceValue[rule.EvidenceFields.Length + computed.Length];
        for (int position = 0, i = 0, c = 0; position < evidence.Length; position++)
        {
            if (c < computed.Length && computed[c].Position == position)
            {
                CompiledComputedEvidence value = computed[c];
                evidence[position] = new EvidenceValue(value.Name, computedValues[c] is NotEvaluated failed ? failed.Text : Evidence(value.Shown, computedValues[c]), rule.Sources[0].Dataset, primary.Line) { Personal = value.Shown.Personal, Material = value.Material };
                c++;
                continue;
            }

            (int source, int field) = rule.EvidenceFields[i];
            Record record = context[source];
            FieldDefinition definition = record.Layout.Schema.Fields[field];
            object? shown = Evidence(definition, record.GetValue(field));
            evidence[position] = new EvidenceValue(rule.EvidenceNames[i], shown, rule.Sources[source].Dataset, record.Line) { Personal = definition.Personal, Material = rule.MaterialEvidence[i] };
            i++;
        }

        return new Clue
        {
            ModelId = rule.Definition.ModelId,
            RuleId = rule.Definition.Id,
            RuleVersion = rule.Definition.Version,
            Dataset = rule.Sources[0].Dataset,
            Line = primary.Line,
            SubjectKey = shownSubject,
            Fingerprint = Fingerprint(rule.Definition.Id, identity),
            Title = rule.Title.Constant ?? Title(rule, context, computedValues, Shown),
            MaskedTitle = options.RevealPersonalData ? rule.Title.Constant ?? Title(rule, context, computedValues, Masked) : null,
            MaskedSubjectKey = options.RevealPersonalData && subject.Length > 0 ? JoinSubject(subjectFields, subject, context, Masked) : null,
            Severity = rule.Definition.Clue.Severity,
            Action = rule.Definition.Clue.Action,
            Evidence = evidence,
            Explanation = Explain(rule, context),
        };
    }

    /// <summary>Builds the clue of a window episode: the key, the aggregates of its peak window, and its member records.</summary>
    public Clue CreateWindowClue(CompiledRule rule, WindowEpisode episode)
    {
        CompiledWindow window = rule.Window!;
        FieldDefinition groupField = window.Schema.Fields[window.GroupField];
        var evidence = new List<EvidenceValue>();
        string dataset = rule.Sources[0].Dataset;
        for (int i = 0; i < episode.PeakAggregates.Count; i++)
        {
            (string text, object? value) = episode.PeakAggregates[i];
            AggregateSpec aggregate = window.Aggregates[i];
            if (aggregate.Function == AggregateRewriter.Key)
            {
                continue; // the subject
            }

            PersonalDataKind personal = aggregate.PersonalIn(window.Schema);
            evidence.Add(personal == PersonalDataKind.None
                ? new EvidenceValue(text, value, dataset, 0)
                : new EvidenceValue(text, Evidence(new FieldDefinition(text, aggregate.Type) { Personal = personal }, value), dataset, 0) { Personal = personal });
        }

        // Values computed over the peak window's aggregates (a share, a score), in the order listed.
        object?[] computed = [];
        if (rule.Computed.Length > 0)
        {
            computed = Compute(rule.Computed, [PeakRecord(rule, episode)]);
            for (int c = 0; c < computed.Length; c++)
            {
                CompiledComputedEvidence value = rule.Computed[c];
                evidence.Add(new EvidenceValue(value.Name, computed[c] is NotEvaluated failed ? failed.Text : Evidence(value.Shown, computed[c]), dataset, 0) { Personal = value.Shown.Personal, Material = value.Material });
            }
        }

        evidence.Add(new EvidenceValue("members", episode.Total, dataset, 0));
        bool grouped = window.OverField < 0;
        if (!grouped)
        {
            FieldDefinition over = window.Schema.Fields[window.OverField];
            evidence.Add(new EvidenceValue("episode_start", Evidence(over, DateOnly.FromDayNumber(episode.FirstDay)), dataset, 0));
            evidence.Add(new EvidenceValue("episode_end", Evidence(over, DateOnly.FromDayNumber(episode.LastDay)), dataset, 0));
        }

        foreach (WindowMember member in episode.Members)
        {
            for (int i = 0; i < rule.EvidenceFields.Length; i++)
            {
                int field = rule.EvidenceFields[i].Field;
                FieldDefinition definition = window.Schema.Fields[field];
                object? value = member.Values[window.SnapshotIndex[field]];
                evidence.Add(new EvidenceValue(definition.Name, Evidence(definition, value), dataset, member.Line) { Personal = definition.Personal, Material = rule.MaterialEvidence[i] });
            }
        }

        WindowMember first = episode.Members[0];
        return new Clue
        {
            ModelId = rule.Definition.ModelId,
            RuleId = rule.Definition.Id,
            RuleVersion = rule.Definition.Version,
            Dataset = dataset,
            Line = first.Line,
            SubjectKey = Shown(groupField, SubjectPart(rule, groupField, first.Values[window.SnapshotIndex[window.GroupField]]) ?? episode.Key),
            MaskedSubjectKey = options.RevealPersonalData ? Masked(groupField, SubjectPart(rule, groupField, first.Values[window.SnapshotIndex[window.GroupField]]) ?? episode.Key) : null,
            Fingerprint = Fingerprint(rule.Definition.Id, grouped ? episode.Key : episode.Key + "|" + DateOnly.FromDayNumber(episode.FirstDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Title = WindowTitle(rule, first, computed, Shown),
            MaskedTitle = options.RevealPersonalData ? WindowTitle(rule, first, computed, Masked) : null,
            Severity = rule.Definition.Clue.Severity,
            Action = rule.Definition.Clue.Action,
            Evidence = evidence,
            Explanation = [new ConditionOutcome(rule.Definition.Window!.Having, true), .. episode.FilterLeaves],
        };
    }

    /// <summary>
    /// One part of a clue's subject, named the same way by every rule kind: NULL for an ID number that fails its check
    /// (unless the rule keeps such numbers), other values formatted.
    /// </summary>
    internal static string? SubjectPart(CompiledRule rule, FieldDefinition field, object? value) => value switch
    {
        null => null,

        // ID numbers, credit codes and case numbers are in their canonical form since they were read (case numbers keep
        // their full-width brackets); other text is normalised as keys are.
        string text when field.Type is FieldType.IdNumber => rule.Definition.KeepInvalidIdNumbers || IdNumber.IsValid(text) ? text : null,
        string text when field.Type is FieldType.CreditCode or FieldType.CaseNo => text,
        string text => JoinKeys.Normalize(text),
        _ => Format(field, value),
    };

    /// <summary>The title of a record context, its fields and computed values written by <paramref name="format"/> (shown or masked).</summary>
    private static string Title(CompiledRule rule, Record[] context, object?[] computed, Func<FieldDefinition, object?, string> format) =>
        rule.Title.Render(f => f.Source != TitleTemplate.ComputedSource ? format(Definition(context, f), Value(context, f))
            : computed[f.Field] is NotEvaluated failed ? failed.Text
            : format(rule.Computed[f.Field].Shown, computed[f.Field]));

    /// <summary>The record of a window rule that derives, for an episode: its fields computed over the fullest window's aggregates.</summary>
    public static Record CreateWindowRecord(CompiledRule rule, WindowEpisode episode) => rule.Derive!.Create([PeakRecord(rule, episode)]);

    /// <summary>The aggregates of an episode's fullest window as a record, carrying the line of the episode's first member.</summary>
    private static Record PeakRecord(CompiledRule rule, WindowEpisode episode)
    {
        CompiledWindow window = rule.Window!;
        Record aggregates = window.AggregateLayout.CreateRecord();
        aggregates.Line = episode.Members[0].Line;
        for (int i = 0; i < episode.PeakAggregates.Count; i++)
        {
            CompiledWindow.SetAggregate(aggregates, i, window.Aggregates[i].Type, episode.PeakAggregates[i].Value);
        }

        return aggregates;
    }

    /// <summary>A window clue's title: fields of its first member, computed values of its peak window.</summary>
    private static string WindowTitle(CompiledRule rule, WindowMember first, object?[] computed, Func<FieldDefinition, object?, string> format)
    {
        CompiledWindow window = rule.Window!;
        return rule.Title.Render(f => f.Source != TitleTemplate.ComputedSource ? format(window.Schema.Fields[f.Field], first.Values[window.SnapshotIndex[f.Field]])
            : computed[f.Field] is NotEvaluated failed ? failed.Text
            : format(rule.Computed[f.Field].Shown, computed[f.Field]));
    }

    /// <summary>The computed evidence values of a record context; one that cannot be evaluated on it is <see cref="NotEvaluated"/>.</summary>
    private static object?[] Compute(CompiledComputedEvidence[] computed, Record[] context)
    {
        var values = new object?[computed.Length];
        for (int i = 0; i < values.Length; i++)
        {
            try
            {
                values[i] = computed[i].Value(context);
            }
            catch (Exception e) when (RuleFailure.TryClassify(e, null, out string code, out _))
            {
                values[i] = new NotEvaluated($"not evaluated ({code})");
            }
        }

        return values;
    }

    /// <summary>A computed value that failed on a record (a division by zero): the clue shows why instead of a value.</summary>
    private sealed record NotEvaluated(string Text);

    /// <summary>The subject's parts written by <paramref name="format"/> (shown or masked) and joined with <c>|</c>; a NULL part is empty.</summary>
    private static string JoinSubject((int Source, int Field)[] fields, string?[] subject, Record[] context, Func<FieldDefinition, object?, string> format) =>
        string.Join('|', fields.Select((f, i) => subject[i] is null ? string.Empty : format(Definition(context, f), subject[i])));

    private static object? Value(Record[] context, (int Source, int Field) field) => context[field.Source].GetValue(field.Field);

    private static FieldDefinition Definition(Record[] context, (int Source, int Field) field) => context[field.Source].Layout.Schema.Fields[field.Field];

    internal static ConditionOutcome[] Explain(CompiledRule rule, Record[] context)
    {
        Func<Record[], bool?>[] leaves = rule.Leaves.Value;
        var outcomes = new ConditionOutcome[leaves.Length];
        for (int i = 0; i < leaves.Length; i++)
        {
            try
            {
                outcomes[i] = rule.Outcome(i, leaves[i](context));
            }
            catch (Exception e) when (RuleFailure.TryClassify(e, rule.Script, out string code, out _))
            {
                outcomes[i] = new ConditionOutcome(rule.LeafTexts[i], null) { ErrorCode = code };
            }
        }

        return outcomes;
    }

    /// <summary>
    /// What each leaf gave on a record context, with the values of the function calls inside it (masked like
    /// evidence): for an explanation of one record, never for the clues of a run.
    /// </summary>
    internal ConditionOutcome[] ExplainWithComputedValues(CompiledRule rule, Record[] context)
    {
        ConditionOutcome[] outcomes = Explain(rule, context);
        foreach (IGrouping<int, LeafCall> calls in rule.LeafCalls.Value.GroupBy(c => c.Leaf))
        {
            outcomes[calls.Key] = outcomes[calls.Key] with { Computed = [.. calls.Select(c => Computed(c, context))] };
        }

        return outcomes;
    }

    private ComputedValue Computed(LeafCall call, Record[] context)
    {
        try
        {
            object? value = call.Value(context);
            // Made from personal data, it is masked as RuleSetBuilder.ComputedValueDefinition says (a surname, a birth date, the digits of an ID number; not an age or a check).
            return new ComputedValue(call.Text, value is null ? null : Shown(call.Shown, value));
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, null, out string code, out _))
        {
            return new ComputedValue(call.Text, $"not evaluated ({code})");
        }
    }

    private string Fingerprint(string ruleId, string subject) => ClueFingerprint.Of(options.FingerprintKey.Span, ruleId, subject);

    /// <summary>A text longer than <see cref="RunOptions.MaxEvidenceLength"/> cut, with how much was left out: clues stay small whatever the record holds.</summary>
    private object? Bounded(object? value) => value is string text && text.Length > options.MaxEvidenceLength
        ? string.Create(CultureInfo.InvariantCulture, $"{text[..options.MaxEvidenceLength]}…(+{text.Length - options.MaxEvidenceLength} characters)")
        : value;

    private bool IsMasked(FieldDefinition field) => !options.RevealPersonalData && field.Personal != PersonalDataKind.None;

    /// <summary>
    /// A field's value as evidence: masked as its kind of personal data says (in text not declared personal, the valid
    /// ID numbers it mentions) unless the run reveals, a month as <c>2024-03</c>, long text cut.
    /// </summary>
    private object? Evidence(FieldDefinition definition, object? value) => value switch
    {
        null => null,
        string[] items when !options.RevealPersonalData => Array.ConvertAll(items, item => PersonalDataMasker.Mask(item, definition.Personal)),
        _ when IsMasked(definition) => Bounded(Shown(definition, value)),
        DateOnly month when definition.Type == FieldType.YearMonth => YearMonths.Format(month),
        string text when !options.RevealPersonalData => Bounded(PersonalDataMasker.Mask(text, PersonalDataKind.None)),
        _ => Bounded(value),
    };

    /// <summary>A field's value as text, masked as <see cref="Evidence"/> masks it whatever the run reveals.</summary>
    private static string Masked(FieldDefinition field, object? value) => value is null ? string.Empty : Mask(field, value);

    internal string Shown(FieldDefinition field, object? value) =>
        options.RevealPersonalData ? Format(field, value) : Masked(field, value);

    /// <summary>A value masked as text as its kind of personal data says: a list item by item (a list of ID numbers keeps each one's mask).</summary>
    private static string Mask(FieldDefinition field, object value) => value is string[] items
        ? string.Join(';', items.Select(item => PersonalDataMasker.Mask(item, field.Personal)))
        : PersonalDataMasker.Mask(Format(field, value), field.Personal)!;

    /// <summary>A field's value as text: a <see cref="FieldType.YearMonth"/> as <c>2024-03</c>, others as <see cref="Format(object?)"/>.</summary>
    internal static string Format(FieldDefinition field, object? value) =>
        value is DateOnly month && field.Type == FieldType.YearMonth ? YearMonths.Format(month) : Format(value);

    internal static string Format(object? value) => value switch
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
    /// <summary>
    /// Classifies what a rule raised. A script rule classifies every exception (with the script's line, never the
    /// exception's message), so none escapes the run.
    /// </summary>
    public static bool TryClassify(Exception exception, ScriptCondition? script, out string code, out string message) =>
        (script is not null && script.TryClassify(exception, out code, out message)) || TryClassify(exception, out code, out message);

    private static bool TryClassify(Exception exception, out string code, out string message)
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
