using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine;

/// <summary>
/// Collects dataset schemas and rules, checks them, and compiles them into an immutable <see cref="RuleSet"/>.
/// Every problem is reported, not just the first.
/// </summary>
/// <threadsafety instance="false"/>
public sealed class RuleSetBuilder
{
    private readonly Dictionary<string, DatasetSchema> _datasets = new(StringComparer.Ordinal);
    private readonly List<RuleDefinition> _rules = [];

    /// <summary>Declares a dataset that rules may read.</summary>
    /// <param name="schema">The dataset's schema.</param>
    /// <returns>This builder.</returns>
    public RuleSetBuilder AddDataset(DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _datasets[schema.Name] = schema;
        return this;
    }

    /// <summary>Adds a rule.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This builder.</returns>
    public RuleSetBuilder AddRule(RuleDefinition rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _rules.Add(rule);
        return this;
    }

    /// <summary>Adds rules.</summary>
    /// <param name="rules">The rules.</param>
    /// <returns>This builder.</returns>
    public RuleSetBuilder AddRules(IEnumerable<RuleDefinition> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (RuleDefinition rule in rules)
        {
            AddRule(rule);
        }

        return this;
    }

    /// <summary>Checks every rule without compiling: unknown datasets and fields, type errors, syntax errors.</summary>
    /// <returns>Every diagnostic, errors and warnings, in rule order.</returns>
    public IReadOnlyList<Diagnostic> Validate() => Bind(out _).Items;

    /// <summary>Checks and compiles the rules.</summary>
    /// <returns>The compiled rule set.</returns>
    /// <exception cref="RuleCompilationException">Any rule has an error; the exception holds every diagnostic.</exception>
    public RuleSet Build()
    {
        DiagnosticBag diagnostics = Bind(out List<BoundRule> bound);
        if (diagnostics.HasErrors)
        {
            throw new RuleCompilationException(diagnostics.Items);
        }

        var datasets = new Dictionary<string, CompiledDataset>(StringComparer.Ordinal);
        foreach (DatasetSchema schema in _datasets.Values)
        {
            var layout = new RecordLayout(schema);
            var compiler = new ExpressionCompiler(layout);
            CompiledRule[] rules = [.. bound.Where(b => b.Schema == schema).Select(b => Compile(b, compiler))];
            datasets[schema.Name] = new CompiledDataset(schema, layout, rules);
        }

        return new RuleSet([.. _rules], datasets, [.. diagnostics.Items]);
    }

    private DiagnosticBag Bind(out List<BoundRule> bound)
    {
        var diagnostics = new DiagnosticBag();
        bound = [];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (RuleDefinition rule in _rules)
        {
            if (string.IsNullOrWhiteSpace(rule.Id))
            {
                diagnostics.Error(DiagnosticIds.InvalidRule, "A rule has no id.", rule.Location, "Give every rule a unique id, such as M02.R1.");
                continue;
            }

            if (!ids.Add(rule.Id))
            {
                diagnostics.Error(DiagnosticIds.DuplicateRuleId, $"Rule id '{rule.Id}' is used twice.", rule.Location, "Rule ids must be unique in a rule set.", rule.Id);
                continue;
            }

            if (!_datasets.TryGetValue(rule.Dataset, out DatasetSchema? schema))
            {
                string? suggestion = NameSuggester.Closest(rule.Dataset, _datasets.Keys);
                diagnostics.Error(DiagnosticIds.UnknownDataset, $"Rule '{rule.Id}' reads dataset '{rule.Dataset}', which is not declared.", rule.Location, suggestion is null ? "Declare the dataset's schema first." : $"Did you mean '{suggestion}'?", rule.Id);
                continue;
            }

            var text = new ExpressionText(rule.Condition ?? string.Empty, rule.ConditionSource ?? SourceMap.StartingAt(SourceLocation.None));
            SyntaxNode? syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default);
            if (syntax is null)
            {
                continue;
            }

            string[] aliases = rule.Alias is null ? [schema.Name] : [schema.Name, rule.Alias];
            var binder = new Binder(text, new BindingScope(schema, aliases, rule.Parameters), diagnostics, rule.Id);
            BoundExpression condition = binder.BindCondition(syntax);
            ClueFields? clue = ResolveClue(rule, schema, binder.ReferencedFields, diagnostics);
            if (condition.Type != LanguageType.Error && clue is not null)
            {
                bound.Add(new BoundRule(rule, schema, condition, binder.Leaves.Select(l => (text.Slice(l.Span), l.Expression)).ToList(), clue));
            }
        }

        return diagnostics;
    }

    private static ClueFields? ResolveClue(RuleDefinition rule, DatasetSchema schema, IReadOnlyCollection<int> referenced, DiagnosticBag diagnostics)
    {
        bool ok = true;
        SourceLocation clueLocation = rule.Clue.Location.IsKnown ? rule.Clue.Location : rule.Location;
        int[] Resolve(IEnumerable<string> names, string role)
        {
            var indexes = new List<int>();
            foreach (string name in names)
            {
                int index = schema.IndexOf(name);
                if (index < 0)
                {
                    string? suggestion = NameSuggester.Closest(name, schema.Fields.Select(f => f.Name));
                    diagnostics.Error(DiagnosticIds.UnknownField, $"The {role} of rule '{rule.Id}' names field '{name}', which dataset '{schema.Name}' lacks.", clueLocation, suggestion is null ? null : $"Did you mean '{suggestion}'?", rule.Id);
                    ok = false;
                }
                else
                {
                    indexes.Add(index);
                }
            }

            return [.. indexes];
        }

        IReadOnlyList<string> subjectNames = rule.Clue.SubjectKey.Count > 0 ? rule.Clue.SubjectKey : schema.KeyFields;
        int[] subject = Resolve(subjectNames, "subject key");
        if (subjectNames.Count == 0)
        {
            diagnostics.Add(new Diagnostic(DiagnosticIds.NoSubjectKey, DiagnosticSeverity.Warning, $"Rule '{rule.Id}' has no subject key and dataset '{schema.Name}' declares none; clues are keyed by line.", rule.Location, "Declare key fields on the dataset or a subject key on the rule, so re-runs recognise the same clue.") { RuleId = rule.Id });
        }

        int[] evidence = rule.Clue.Evidence.Count > 0
            ? Resolve(rule.Clue.Evidence, "evidence")
            : [.. subject.Concat(referenced).Distinct()];

        var unknown = new List<string>();
        TitleTemplate title = TitleTemplate.Parse(rule.Clue.Title ?? rule.Id, schema.IndexOf, unknown);
        foreach (string name in unknown)
        {
            diagnostics.Error(DiagnosticIds.UnknownField, $"The title of rule '{rule.Id}' has placeholder '{{{name}}}', which names no field of '{schema.Name}'.", clueLocation, null, rule.Id);
            ok = false;
        }

        return ok ? new ClueFields(subject, evidence, title) : null;
    }

    private static CompiledRule Compile(BoundRule rule, ExpressionCompiler compiler) => new()
    {
        Definition = rule.Definition,
        Predicate = compiler.CompilePredicate(rule.Condition),
        SubjectFields = rule.Clue.Subject,
        EvidenceFields = rule.Clue.Evidence,
        Title = rule.Clue.Title,
        LeafTexts = [.. rule.Leaves.Select(l => l.Text)],
        Leaves = new Lazy<Func<Record, bool?>[]>(() => [.. rule.Leaves.Select(l => compiler.CompileCondition(l.Expression))], LazyThreadSafetyMode.ExecutionAndPublication),
    };

    private sealed record ClueFields(int[] Subject, int[] Evidence, TitleTemplate Title);

    private sealed record BoundRule(RuleDefinition Definition, DatasetSchema Schema, BoundExpression Condition, List<(string Text, BoundExpression Expression)> Leaves, ClueFields Clue);
}
