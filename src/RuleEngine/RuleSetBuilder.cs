using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Execution.Dispatch;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine;

/// <summary>
/// Collects dataset schemas and rules, checks them, and compiles them into an immutable <see cref="RuleSet"/>.
/// Every problem is reported, not just the first.
/// </summary>
/// <threadsafety instance="false"/>
public sealed partial class RuleSetBuilder
{
    private readonly Dictionary<string, DatasetSchema> _datasets = new(StringComparer.Ordinal);

    /// <summary>The datasets rules may read while a build binds them: the declared ones and those derived so far.</summary>
    private Dictionary<string, DatasetSchema> _known = new(StringComparer.Ordinal);

    /// <summary>Derived datasets whose rule failed to bind: their readers add no error of their own (the cause is reported).</summary>
    private HashSet<string> _unbuilt = new(StringComparer.Ordinal);

    /// <summary>While a build binds: the scripts compiled together before binding, by rule id, with their diagnostics.</summary>
    private Dictionary<string, (ScriptCondition? Condition, List<Diagnostic> Diagnostics)> _scripts = new(StringComparer.Ordinal);
    private readonly List<RuleDefinition> _rules = [];
    private IScriptConditionCompiler? _scriptCompiler;
    private readonly Dictionary<string, string> _exclusions = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Keeps records out of every rule: those of <paramref name="dataset"/> for which <paramref name="condition"/> is
    /// TRUE (sealed juvenile records, 未成年人犯罪记录封存, say) are read and counted
    /// (<see cref="RunSummary.RecordsExcluded"/>), but never evaluated, joined or put in a clue. Several exclusions of
    /// one dataset exclude a record when any holds.
    /// </summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="condition">The condition, in the condition language: <c>sealed = true</c>.</param>
    /// <returns>This builder.</returns>
    public RuleSetBuilder Exclude(string dataset, string condition)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        ArgumentException.ThrowIfNullOrEmpty(condition);
        _exclusions[dataset] = _exclusions.TryGetValue(dataset, out string? earlier) ? $"({earlier}) OR ({condition})" : condition;
        return this;
    }

    /// <summary>
    /// Gets or sets a value indicating whether function calls that several rules of a dataset make alike are computed
    /// once per record (on by default; off only to measure or to compare).
    /// </summary>
    internal bool ShareSubexpressions { get; set; } = true;

    /// <summary>Gets or sets the most rules a rule set may hold (RE2019 beyond it), a guard against a runaway model set.</summary>
    /// <value>The default is 20,000.</value>
    public int MaxRules { get; set; } = 20_000;

    /// <summary>
    /// Lets rules carry C# scripts (<see cref="RuleDefinition.Script"/>), compiled by <paramref name="compiler"/>.
    /// Without a compiler, a rule with a script is an error: the host, not the model file, decides whether scripts run.
    /// </summary>
    /// <param name="compiler">The script compiler, such as <c>RuleEngine.Scripting.ScriptRuleCompiler</c>.</param>
    /// <returns>This builder.</returns>
    public RuleSetBuilder UseScriptCompiler(IScriptConditionCompiler compiler)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        _scriptCompiler = compiler;
        return this;
    }

    /// <summary>Checks every rule without compiling: unknown datasets and fields, type errors, syntax errors.</summary>
    /// <returns>Every diagnostic, errors and warnings, in rule order.</returns>
    public IReadOnlyList<Diagnostic> Validate()
    {
        DiagnosticBag diagnostics = Bind(out _);
        BindExclusions(diagnostics);
        return diagnostics.Items;
    }

    /// <summary>Checks and compiles the rules.</summary>
    /// <returns>The compiled rule set.</returns>
    /// <exception cref="RuleCompilationException">Any rule has an error; the exception holds every diagnostic.</exception>
    public RuleSet Build()
    {
        DiagnosticBag diagnostics = Bind(out List<BoundRule> bound);
        Dictionary<string, BoundExpression> exclusions = BindExclusions(diagnostics);
        if (diagnostics.HasErrors)
        {
            throw new RuleCompilationException(diagnostics.Items);
        }

        var layouts = _known.Values.ToDictionary(s => s.Name, s => new RecordLayout(s), StringComparer.Ordinal);
        var datasets = new Dictionary<string, CompiledDataset>(StringComparer.Ordinal);
        foreach (DatasetSchema schema in _known.Values)
        {
            BoundRule[] own = [.. bound.Where(b => b.Sources[0].Schema == schema)];
            IReadOnlyDictionary<string, SharedSlot> shared = ShareSubexpressions
                ? SharedSubexpressions.Find(own.Where(b => b.Joins.Count == 0).Select(b => b.Condition))
                : new Dictionary<string, SharedSlot>();
            CompiledRule[] rules = CompileAll(own, layouts, shared);
            RuleDispatch dispatch = RuleDispatch.Build([.. rules.Select((r, i) => (r, (BoundExpression?)own[i].Condition))], layouts[schema.Name]);
            datasets[schema.Name] = new CompiledDataset(schema, layouts[schema.Name], rules, dispatch, shared.Count)
            {
                FieldsRead = FieldsRead(schema, own, exclusions.GetValueOrDefault(schema.Name)),
                SharedSlots = shared,
                DerivedBy = bound.FirstOrDefault(b => b.Derived?.Schema == schema)?.Definition.Id,
                Exclude = exclusions.TryGetValue(schema.Name, out BoundExpression? exclusion) ? new ExpressionCompiler(layouts[schema.Name]).CompilePredicate(exclusion) : null,
                ExcludeExpression = exclusion,
            };
        }

        return new RuleSet([.. _rules], datasets, [.. diagnostics.Items]);
    }

    private DiagnosticBag Bind(out List<BoundRule> bound)
    {
        _known = new Dictionary<string, DatasetSchema>(_datasets, StringComparer.Ordinal);
        _unbuilt = new HashSet<string>(StringComparer.Ordinal);
        var diagnostics = new DiagnosticBag();
        bound = [];
        if (_rules.Count > MaxRules)
        {
            diagnostics.Error(DiagnosticIds.TooManyRules, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The rule set has {_rules.Count} rules; the limit is {MaxRules}."), _rules[MaxRules].Location, "Split the models into several rule sets, or raise RuleSetBuilder.MaxRules.");
            return diagnostics;
        }

        _scripts = CompileScriptsTogether(diagnostics);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (RuleDefinition rule in OrderByStage(diagnostics))
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

            int before = diagnostics.Count;
            BoundRule? boundRule = BindRule(rule, diagnostics);

            // Every diagnostic of a rule names it, parse errors of a condition given as a string included: a host that
            // builds rules from its own data must be able to tell which rule failed.
            diagnostics.NameRule(before, rule.Id);
            if (boundRule is not null)
            {
                bound.Add(boundRule);
                if (boundRule.Derived is { } derived)
                {
                    _known[derived.Schema.Name] = derived.Schema;
                }
            }
            else if (rule.Derive is { } derive)
            {
                _unbuilt.Add(derive.Dataset);
            }
        }

        _scripts.Clear();
        return diagnostics;
    }

    /// <summary>
    /// Orders the rules so that a rule that derives a dataset is bound before the rules that read it; rules that read
    /// derived datasets in a cycle are reported (RE2020) and left out.
    /// </summary>
    private List<RuleDefinition> OrderByStage(DiagnosticBag diagnostics)
    {
        var producers = new Dictionary<string, RuleDefinition>(StringComparer.Ordinal);
        foreach (RuleDefinition rule in _rules.Where(r => r.Derive is not null))
        {
            string name = rule.Derive!.Dataset;
            SourceLocation at = rule.Derive.Location.IsKnown ? rule.Derive.Location : rule.Location;
            if (_datasets.ContainsKey(name) || !producers.TryAdd(name, rule))
            {
                diagnostics.Error(DiagnosticIds.InvalidRule, $"Rule '{rule.Id}' derives dataset '{name}', which {(_datasets.ContainsKey(name) ? "is declared as an input" : $"rule '{producers[name].Id}' derives too")}.", at, "Give each derived dataset a name of its own.", rule.Id);
            }
        }

        IEnumerable<string> Reads(RuleDefinition rule) => [rule.Dataset, .. rule.Joins.Select(j => j.Dataset)];
        var ordered = new List<RuleDefinition>();
        var ready = new HashSet<string>(_datasets.Keys, StringComparer.Ordinal);
        var pending = new List<RuleDefinition>(_rules);
        while (pending.Count > 0)
        {
            List<RuleDefinition> next = [.. pending.Where(r => Reads(r).All(d => ready.Contains(d) || !producers.ContainsKey(d)))];
            if (next.Count == 0)
            {
                foreach (RuleDefinition rule in pending)
                {
                    string waits = Reads(rule).First(d => !ready.Contains(d) && producers.ContainsKey(d));
                    diagnostics.Error(DiagnosticIds.StageCycle, $"Rule '{rule.Id}' reads dataset '{waits}', which is derived from what the rule itself leads to: the stages form a cycle.", rule.Location, "A derived dataset must not feed, directly or through other stages, the rule that derives it.", rule.Id);
                }

                break;
            }

            foreach (RuleDefinition rule in next)
            {
                ordered.Add(rule);
                pending.Remove(rule);
                if (rule.Derive is { } derive && producers.GetValueOrDefault(derive.Dataset) == rule)
                {
                    ready.Add(derive.Dataset);
                }
            }
        }

        return ordered;
    }

    /// <summary>
    /// Warns of a condition no record can make TRUE: tests of one field that no value passes together, which the rule
    /// index proves (<see cref="IndexKeys"/>) and then never evaluates the rule.
    /// </summary>
    private static void WarnIfNeverTrue(RuleDefinition rule, DatasetSchema schema, BoundExpression condition, ExpressionText text, DiagnosticBag diagnostics)
    {
        if (IndexKeys.Of(condition, new RecordLayout(schema), _ => 1).FirstOrDefault(k => k.Impossible) is not { } key)
        {
            return;
        }

        Posting posting = key.Postings[0];
        string why = posting is RangePosting ? "its bounds leave no value between them" : "the values one test requires, another rules out";
        diagnostics.Add(new Diagnostic(
            DiagnosticIds.NeverTrue,
            DiagnosticSeverity.Warning,
            $"Rule '{rule.Id}' can never match: no value of field '{schema.Fields[posting.Field].Name}' passes all of its tests on that field ({why}).",
            text.Locate(condition.Span),
            "Check the values and bounds the rule compares this field with; a rule that cannot match makes no clues and is not evaluated.") { RuleId = rule.Id });
    }

    private Dictionary<string, BoundExpression> BindExclusions(DiagnosticBag diagnostics)
    {
        var bound = new Dictionary<string, BoundExpression>(StringComparer.Ordinal);
        foreach ((string dataset, string condition) in _exclusions)
        {
            var owner = new RuleDefinition("exclude:" + dataset, dataset, condition);
            if (FindDataset(dataset, owner, SourceLocation.None, diagnostics) is not { } schema)
            {
                continue;
            }

            var text = new ExpressionText(condition, SourceMap.StartingAt(SourceLocation.None));
            if (Parser.Parse(text, diagnostics, LanguageLimits.Default) is { } syntax)
            {
                BoundExpression expression = new Binder(text, new BindingScope(schema, [dataset], new Dictionary<string, object?>()), diagnostics, owner.Id).BindCondition(syntax);
                if (expression.Type != LanguageType.Error)
                {
                    bound[dataset] = expression;
                }
            }
        }

        return bound;
    }

    private DatasetSchema? FindDataset(string name, RuleDefinition rule, SourceLocation location, DiagnosticBag diagnostics)
    {
        if (_known.TryGetValue(name, out DatasetSchema? schema))
        {
            return schema;
        }

        if (_unbuilt.Contains(name))
        {
            return null;
        }

        string? suggestion = NameSuggester.Closest(name, _known.Keys);
        diagnostics.Error(DiagnosticIds.UnknownDataset, $"Rule '{rule.Id}' reads dataset '{name}', which is not declared.", location, suggestion is null ? "Declare the dataset's schema first." : $"Did you mean '{suggestion}'?", rule.Id);
        return null;
    }

    private BoundRule? BindRule(RuleDefinition rule, DiagnosticBag diagnostics)
    {
        int errors = diagnostics.Items.Count(d => d.IsError);
        if (FindDataset(rule.Dataset, rule, rule.Location, diagnostics) is not { } schema)
        {
            return null;
        }

        var sources = new List<ScopeSource> { new(schema, rule.Alias is null ? [schema.Name] : [schema.Name, rule.Alias], 0) };
        foreach (JoinDefinition join in rule.Joins)
        {
            SourceLocation at = join.Location.IsKnown ? join.Location : rule.Location;
            if (FindDataset(join.Dataset, rule, at, diagnostics) is not { } reference)
            {
                return null;
            }

            if (sources.Exists(s => s.Aliases.Contains(join.Alias)))
            {
                diagnostics.Error(DiagnosticIds.InvalidRule, $"Alias '{join.Alias}' of rule '{rule.Id}' is used twice.", at, "Give each joined dataset its own alias.", rule.Id);
                return null;
            }

            sources.Add(new ScopeSource(reference, [join.Alias], sources.Count));
        }

        var joins = new List<BoundJoin>();
        for (int j = 0; j < rule.Joins.Count; j++)
        {
            if (BindJoin(rule, rule.Joins[j], sources, j + 1, diagnostics) is { } boundJoin)
            {
                joins.Add(boundJoin);

                // From here on (later joins, the condition, the clue) an aggregating join's alias names its aggregates.
                if (boundJoin.Aggregates is { } aggregates)
                {
                    sources[j + 1] = sources[j + 1] with { Schema = aggregates.Schema };
                }
            }
            else if (rule.Joins[j].Aggregates.Count > 0)
            {
                // Its alias would name the dataset's fields instead of the aggregates: every use of one would be
                // reported again as an unknown field. The join's problems are reported; the rest waits for them.
                return null;
            }
        }

        ScriptCondition? script = rule.Script is null ? null : BindScript(rule, schema, diagnostics);
        BoundExpression condition;
        List<(string Text, BoundExpression Expression)> leaves;
        List<(int Leaf, string Text, BoundExpression Call)> leafCalls = [];
        IReadOnlyCollection<(int Source, int Field)> referenced;
        if (rule.Script is not null && string.IsNullOrWhiteSpace(rule.Condition))
        {
            condition = new BoundLiteral(LanguageType.Bool, default, true);
            leaves = [];
            referenced = [];
        }
        else
        {
            var text = new ExpressionText(rule.Condition ?? string.Empty, rule.ConditionSource ?? SourceMap.StartingAt(SourceLocation.None));
            SyntaxNode? syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default);
            if (syntax is null)
            {
                return null;
            }

            var binder = new Binder(text, new BindingScope(sources, rule.Parameters), diagnostics, rule.Id);
            condition = binder.BindCondition(syntax);
            WarnIfNeverTrue(rule, schema, condition, text, diagnostics);
            leaves = [.. binder.Leaves.Select(l => (text.Slice(l.Span), l.Expression))];
            referenced = binder.ReferencedSourceFields;

            // The function calls of each leaf that read the record (not constants), for explanations: at most three per leaf.
            leafCalls = [.. binder.Leaves.SelectMany((l, i) => BoundTree.DescendantsAndSelf(l.Expression).OfType<BoundCall>()
                .Where(c => BoundTree.DescendantsAndSelf(c).Any(n => n is BoundField)).Take(3).Select(c => (i, text.Slice(c.Span), (BoundExpression)c)))];
        }

        if (script is not null)
        {
            referenced = [.. referenced, .. script.FieldsRead.Select(f => (0, schema.IndexOf(f)))];
        }

        BoundWindow? window = rule.Window is null ? null : BindWindow(rule, sources[0], diagnostics);
        ClueFields? clue = ResolveClue(rule, sources, referenced, window, diagnostics);
        BoundDerive? derived = rule.Derive is null ? null : BindDerive(rule, sources, window, diagnostics);
        if (diagnostics.Items.Count(d => d.IsError) > errors || condition.Type == LanguageType.Error || clue is null || (rule.Derive is not null && derived is null))
        {
            return null;
        }

        return new BoundRule(rule, sources, condition, leaves, clue, joins, window) { Script = script, Derived = derived, LeafCalls = leafCalls };
    }

    /// <summary>
    /// Compiles the scripts of the rules over datasets known from the start in one call, so the compiler can share
    /// its work between them (one C# compilation for the set); a script over a derived dataset is compiled when its
    /// rule is bound. Rules whose id is blank or used twice are left to the binding, which reports them.
    /// </summary>
    private Dictionary<string, (ScriptCondition? Condition, List<Diagnostic> Diagnostics)> CompileScriptsTogether(DiagnosticBag diagnostics)
    {
        var compiled = new Dictionary<string, (ScriptCondition?, List<Diagnostic>)>(StringComparer.Ordinal);
        RuleDefinition[] rules = [.. _rules.Where(r => r.Script is not null && r.Joins.Count == 0 && !string.IsNullOrWhiteSpace(r.Id) && _datasets.ContainsKey(r.Dataset))
            .GroupBy(r => r.Id, StringComparer.Ordinal).Where(g => g.Count() == 1).Select(g => g.First())];
        if (_scriptCompiler is null || rules.Length < 2)
        {
            return compiled;
        }

        var found = new List<Diagnostic>();
        IReadOnlyList<ScriptCondition?> conditions = _scriptCompiler.CompileAll([.. rules.Select(r => ScriptRequest(r, _datasets[r.Dataset]))], found);
        for (int i = 0; i < rules.Length; i++)
        {
            compiled[rules[i].Id] = (conditions[i], []);
        }

        foreach (Diagnostic diagnostic in found)
        {
            if (diagnostic.RuleId is { } id && compiled.TryGetValue(id, out (ScriptCondition?, List<Diagnostic> Diagnostics) entry))
            {
                entry.Diagnostics.Add(diagnostic);
            }
            else
            {
                diagnostics.Add(diagnostic);
            }
        }

        return compiled;
    }

    private static ScriptConditionRequest ScriptRequest(RuleDefinition rule, DatasetSchema schema) =>
        new(rule.Id, rule.Script!, schema) { Parameters = rule.Parameters, Source = rule.ScriptSource };

    private ScriptCondition? BindScript(RuleDefinition rule, DatasetSchema schema, DiagnosticBag diagnostics)
    {
        SourceLocation at = rule.ScriptSource is { } source ? source.Locate(rule.Script!, 0, 0) : rule.Location;
        if (_scriptCompiler is null)
        {
            diagnostics.Error(DiagnosticIds.ScriptsNotEnabled, $"Rule '{rule.Id}' has a C# script, and this host does not run scripts.", at, "The host enables scripts by passing a script compiler (RuleEngine.Scripting) to the builder; or write the rule as a condition.", rule.Id);
            return null;
        }

        if (rule.Joins.Count > 0)
        {
            diagnostics.Error(DiagnosticIds.ScriptNotSupportedHere, $"Rule '{rule.Id}' joins other datasets; a script reads only the rule's own record.", at, "Put the script in a rule of its own, or write the joined test as a condition.", rule.Id);
            return null;
        }

        ScriptCondition? compiled;
        List<Diagnostic> found;
        if (_scripts.Remove(rule.Id, out (ScriptCondition? Condition, List<Diagnostic> Diagnostics) together) && ReferenceEquals(_datasets.GetValueOrDefault(rule.Dataset), schema))
        {
            (compiled, found) = together;
        }
        else
        {
            found = [];
            compiled = _scriptCompiler.Compile(ScriptRequest(rule, schema), found);
        }

        foreach (Diagnostic diagnostic in found)
        {
            diagnostics.Add(diagnostic.RuleId is null ? diagnostic with { RuleId = rule.Id } : diagnostic);
        }

        if (compiled is not null && !compiled.Schema.Fields.Select(f => (f.Name, f.Type)).SequenceEqual(schema.Fields.Select(f => (f.Name, f.Type))))
        {
            diagnostics.Error(DiagnosticIds.ScriptSchemaMismatch, $"The script of rule '{rule.Id}' was compiled for another schema than dataset '{schema.Name}' has.", at, "Compile the script against the dataset's schema.", rule.Id);
            return null;
        }

        return found.Exists(d => d.IsError) ? null : compiled;
    }

    private static BoundJoin? BindJoin(RuleDefinition rule, JoinDefinition join, List<ScopeSource> sources, int slot, DiagnosticBag diagnostics)
    {
        SourceLocation at = join.Location.IsKnown ? join.Location : rule.Location;
        if (join.On.Count == 0)
        {
            diagnostics.Error(DiagnosticIds.InvalidRule, $"The join of '{join.Dataset}' in rule '{rule.Id}' has no key ('on').", at, "Name the fields that must be equal, such as person_id on both sides.", rule.Id);
            return null;
        }

        var leftScope = new BindingScope(sources.Take(slot).ToList(), rule.Parameters);
        var rightScope = new BindingScope([sources[slot]], rule.Parameters);
        var left = new List<BoundExpression>();
        var right = new List<BoundExpression>();
        for (int i = 0; i < join.On.Count; i++)
        {
            (string leftText, string rightText) = join.On[i];
            (SourceMap? leftSource, SourceMap? rightSource) = i < join.OnSources.Count ? join.OnSources[i] : default;
            left.Add(BindValue(leftText, leftScope, leftSource ?? SourceMap.StartingAt(at), rule.Id, diagnostics));
            right.Add(BindValue(rightText, rightScope, rightSource ?? SourceMap.StartingAt(at), rule.Id, diagnostics));
        }

        BoundExpression? where = null;
        if (join.Where is not null)
        {
            var whereText = new ExpressionText(join.Where, join.WhereSource ?? SourceMap.StartingAt(at));
            SyntaxNode? whereSyntax = Parser.Parse(whereText, diagnostics, LanguageLimits.Default);
            where = whereSyntax is null ? new BoundError(default) : new Binder(whereText, new BindingScope(sources.Take(slot + 1).ToList(), rule.Parameters), diagnostics, rule.Id).BindCondition(whereSyntax);
        }

        int latest = -1;
        if (join.Match == JoinMatch.Latest)
        {
            latest = join.LatestBy is null ? -1 : FieldOf(sources[slot], join.LatestBy);
            if (latest < 0)
            {
                diagnostics.Error(DiagnosticIds.InvalidRule, $"The join of '{join.Dataset}' in rule '{rule.Id}' picks the latest match, but '{join.LatestBy}' is not a field of '{join.Dataset}'.", at, "Name the date field that orders the matches.", rule.Id);
                return null;
            }
        }

        BoundJoinAggregates? aggregates = join.Aggregates.Count == 0 ? null : BindAggregates(rule, join, sources, slot, at, diagnostics);
        if (join.Aggregates.Count > 0 && aggregates is null)
        {
            return null;
        }

        return new BoundJoin(join, slot, left, right, where, latest, FindInterval(where, slot)) { Aggregates = aggregates };
    }

    /// <summary>
    /// Binds the fields of a derived dataset over the rule's record context — or, for a window rule, over its window's
    /// aggregates (bound with the window) — and builds its schema.
    /// </summary>
    private static BoundDerive? BindDerive(RuleDefinition rule, List<ScopeSource> sources, BoundWindow? window, DiagnosticBag diagnostics)
    {
        DeriveDefinition derive = rule.Derive!;
        SourceLocation at = derive.Location.IsKnown ? derive.Location : rule.Location;
        if (rule.Window is not null && window is null)
        {
            return null; // the window reported its problems
        }

        if (derive.Fields.Count == 0)
        {
            diagnostics.Error(DiagnosticIds.InvalidRule, $"Rule '{rule.Id}' derives dataset '{derive.Dataset}' without fields.", at, "List the fields it carries, such as person_id: person_id.", rule.Id);
            return null;
        }

        var scope = new BindingScope(sources, rule.Parameters);
        var schema = DatasetSchema.Create(derive.Dataset);
        var fields = new List<BoundExpression>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var copiedKeys = new List<string>();
        int errors = diagnostics.Items.Count(d => d.IsError);
        for (int i = 0; i < derive.Fields.Count; i++)
        {
            DerivedField field = derive.Fields[i];
            if (!names.Add(field.Name))
            {
                diagnostics.Error(DiagnosticIds.InvalidRule, $"Derived dataset '{derive.Dataset}' has field '{field.Name}' twice.", at, null, rule.Id);
                continue;
            }

            (BoundExpression value, bool copiesKey) = window is null
                ? BindValue(field.Expression, scope, field.Source ?? SourceMap.StartingAt(at), rule.Id, diagnostics) is var bound
                    ? (bound, bound is BoundField { Source: 0 } copied && sources[0].Schema.KeyFields.Contains(copied.Field.Name))
                    : default
                : window.Derived[i] ?? (new BoundError(default), false);
            if (value.Type is LanguageType.Error)
            {
                continue;
            }

            // A copied field keeps what the schema says of it (ID number, personal kind, Chinese name); a value made
            // from a personal field is personal too. A window's group key, copied, is the derived dataset's key.
            schema.Add(ComputedValueDefinition(field.Name, value));
            if (copiesKey)
            {
                copiedKeys.Add(field.Name);
            }

            fields.Add(value);
        }

        foreach (string key in derive.Key.Where(k => !names.Contains(k)))
        {
            diagnostics.Error(DiagnosticIds.UnknownField, $"The key of derived dataset '{derive.Dataset}' names '{key}', which is not one of its fields.", at, null, rule.Id);
        }

        if (diagnostics.Items.Count(d => d.IsError) > errors)
        {
            return null;
        }

        schema.Key([.. derive.Key.Count > 0 ? derive.Key : copiedKeys]);
        return new BoundDerive(schema.Build(), fields);
    }

    private static readonly string[] JoinAggregateFunctions = ["count", "count_distinct", "sum", "min", "max", "list", "first", "last"];

    /// <summary><c>list(x ORDER BY y DESC LIMIT n)</c>, <c>first(x ORDER BY y)</c>: the call's argument, order and limit (linear time: model text is untrusted).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(?<name>[A-Za-z_]+)\s*\((?<argument>.+?)\s+ORDER\s+BY\s+(?<order>.+?)(?:\s+(?<direction>ASC|DESC))?(?:\s+LIMIT\s+(?<limit>[0-9]+))?\s*\)\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.NonBacktracking)]
    private static partial System.Text.RegularExpressions.Regex OrderedAggregate();

    /// <summary>Binds a join's aggregates over its matches: each a call of an aggregate function on an expression of the record context.</summary>
    private static BoundJoinAggregates? BindAggregates(RuleDefinition rule, JoinDefinition join, List<ScopeSource> sources, int slot, SourceLocation joinAt, DiagnosticBag diagnostics)
    {
        if (join.Kind == JoinKind.NotExists)
        {
            diagnostics.Error(DiagnosticIds.InvalidRule, $"The join of '{join.Dataset}' in rule '{rule.Id}' aggregates its matches, but a not_exists join has none.", joinAt, "Use kind: left and test the aggregate (a.matches = 0), or drop the aggregates.", rule.Id);
            return null;
        }

        var scope = new BindingScope(sources.Take(slot + 1).ToList(), rule.Parameters);
        var schema = DatasetSchema.Create(join.Dataset);
        var items = new List<BoundJoinAggregate>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int errors = diagnostics.Items.Count(d => d.IsError);
        foreach (JoinAggregate aggregate in join.Aggregates)
        {
            // Where the aggregate is written: its expression's characters when known, else the join.
            (int Line, int Column)[]? written = aggregate.Source?.PositionsOf(aggregate.Expression);
            SourceLocation at = written is null ? joinAt : SourceLocation.At(aggregate.Source!.Path, written[0].Line, written[0].Column);
            SourceMap map = written is null ? SourceMap.StartingAt(joinAt) : aggregate.Source!;
            if (!names.Add(aggregate.Name) || aggregate.Name.Length == 0 || char.IsAsciiDigit(aggregate.Name[0]) || !aggregate.Name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            {
                diagnostics.Error(DiagnosticIds.InvalidRule, $"Aggregate '{aggregate.Name}' of the join of '{join.Dataset}' in rule '{rule.Id}' needs a name of its own: letters, digits and '_'.", at, null, rule.Id);
                continue;
            }

            // An ordered aggregate's ORDER BY and LIMIT are read here; what is left is one call, parsed as any expression.
            string expression = aggregate.Expression;
            string? orderText = null;
            SourceMap? orderMap = null;
            bool descending = false;
            int limit = JoinAggregate.MaxListItems;
            if (OrderedAggregate().Match(expression) is { Success: true } ordered)
            {
                if (ordered.Groups["name"].Value.ToLowerInvariant() is not ("list" or "first" or "last"))
                {
                    diagnostics.Error(DiagnosticIds.InvalidRule, $"Aggregate '{aggregate.Name}' of rule '{rule.Id}' has ORDER BY; only list(), first() and last() take an order.", at, "first(a.case_no ORDER BY a.accident_date DESC)", rule.Id);
                    continue;
                }

                System.Text.RegularExpressions.Group function = ordered.Groups["name"], inner = ordered.Groups["argument"], orderGroup = ordered.Groups["order"];
                expression = $"{function.Value}({inner.Value})";
                orderText = orderGroup.Value;
                if (written is not null)
                {
                    // name(argument) placed where each part is written; the order where it is.
                    map = SourceMap.FromPositions(aggregate.Source!.Path, [.. written[function.Index..(function.Index + function.Length)], written[inner.Index - 1], .. written[inner.Index..(inner.Index + inner.Length + 1)], written[inner.Index + inner.Length]]);
                    orderMap = SourceMap.FromPositions(aggregate.Source!.Path, written[orderGroup.Index..(orderGroup.Index + orderGroup.Length + 1)]);
                }
                descending = ordered.Groups["direction"].Value.Equals("DESC", StringComparison.OrdinalIgnoreCase);
                if (ordered.Groups["limit"].Success
                    && (!ordered.Groups["name"].Value.Equals("list", StringComparison.OrdinalIgnoreCase) || !int.TryParse(ordered.Groups["limit"].Value, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > JoinAggregate.MaxListItems))
                {
                    diagnostics.Error(DiagnosticIds.InvalidRule, $"Aggregate '{aggregate.Name}' of rule '{rule.Id}' has LIMIT {ordered.Groups["limit"].Value}; only list() takes a limit, from 1 to {JoinAggregate.MaxListItems}.", at, "list(a.case_no ORDER BY a.accident_date DESC LIMIT 5)", rule.Id);
                    continue;
                }
            }

            var text = new ExpressionText(expression, map);
            if (Parser.Parse(text, diagnostics, LanguageLimits.Default) is not { } syntax)
            {
                continue;
            }

            int arguments = syntax is CallSyntax { Name: "count" } ? 0 : 1;
            if (syntax is not CallSyntax call || !JoinAggregateFunctions.Contains(call.Name) || call.Arguments.Count != arguments)
            {
                diagnostics.Error(DiagnosticIds.UnknownFunction, $"Aggregate '{aggregate.Name}' of rule '{rule.Id}' is '{aggregate.Expression}'; an aggregate of matches is count(), count_distinct(x), sum(x), min(x), max(x), first(x), last(x) or list(x), the last three optionally with ORDER BY y [DESC] (list also LIMIT n).", at, "Write one aggregate call, such as min(days_between(a.accident_date, claim_date)).", rule.Id);
                continue;
            }

            BoundExpression? argument = call.Arguments.Count == 0 ? null : new Binder(text, scope, diagnostics, rule.Id).BindValue(call.Arguments[0]);
            BoundExpression? order = null;
            if (orderText is not null)
            {
                var orderSource = new ExpressionText(orderText, orderMap ?? SourceMap.StartingAt(at));
                order = Parser.Parse(orderSource, diagnostics, LanguageLimits.Default) is { } orderSyntax ? new Binder(orderSource, scope, diagnostics, rule.Id).BindValue(orderSyntax) : new BoundError(default);
            }

            LanguageType type = argument?.Type ?? LanguageType.Int;
            FieldType? result = call.Name switch
            {
                "count" or "count_distinct" => FieldType.Long,
                "list" => FieldType.StringArray,
                "sum" when type.IsNumeric() => FieldTypeOf(type),
                "min" or "max" when type is not (LanguageType.TextArray or LanguageType.Bool or LanguageType.Null) => FieldTypeOf(type),
                "first" or "last" when type is not (LanguageType.TextArray or LanguageType.Null) => FieldTypeOf(type),
                _ => null,
            };
            if (type == LanguageType.Error || order?.Type == LanguageType.Error)
            {
                continue;
            }

            if (result is null)
            {
                diagnostics.Error(DiagnosticIds.TypeMismatch, $"Aggregate '{aggregate.Name}' of rule '{rule.Id}' takes {call.Name} of {type.WithArticle()} value, which it cannot.", at, call.Name == "sum" ? "sum() adds numbers." : "min() and max() compare numbers, dates and text.", rule.Id);
                continue;
            }

            if (order is { Type: LanguageType.TextArray or LanguageType.Null } || (order is not null && call.Name is not ("list" or "first" or "last")))
            {
                diagnostics.Error(DiagnosticIds.TypeMismatch, $"Aggregate '{aggregate.Name}' of rule '{rule.Id}' orders by '{orderText}', which it cannot: list(), first() and last() order by a number, date, text or boolean.", at, "first(a.case_no ORDER BY a.accident_date DESC)", rule.Id);
                continue;
            }

            // An aggregate of a personal field's values is personal as a computed value is (a count is not).
            PersonalDataKind personal = argument is null || call.Name is "count" or "count_distinct" ? PersonalDataKind.None : ComputedValueDefinition(aggregate.Name, argument).Personal;
            schema.Add(new FieldDefinition(aggregate.Name, result.Value) { Personal = personal });
            items.Add(new BoundJoinAggregate(call.Name, argument, result.Value) { Order = order, Descending = descending, Limit = limit });
        }

        return diagnostics.Items.Count(d => d.IsError) > errors ? null : new BoundJoinAggregates(schema.Build(), items);
    }

    private static FieldType FieldTypeOf(LanguageType type) => type switch
    {
        LanguageType.Int => FieldType.Long,
        LanguageType.Decimal => FieldType.Decimal,
        LanguageType.Double => FieldType.Double,
        LanguageType.Date => FieldType.Date,
        LanguageType.Timestamp => FieldType.DateTime,
        LanguageType.Bool => FieldType.Bool,
        LanguageType.TextArray => FieldType.StringArray,
        _ => FieldType.String,
    };

    /// <summary>
    /// A field of <paramref name="source"/> by name, bare or qualified by one of its names (<c>v.case_no</c>,
    /// <c>victims.case_no</c>) as an expression may write it, wherever a model names a field outside an expression
    /// (evidence, a window's key, a join's <c>latest_by</c>); -1 when it has none.
    /// </summary>
    private static int FieldOf(ScopeSource source, string name)
    {
        int bare = source.Schema.IndexOf(name);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return bare >= 0 || dot <= 0 || !source.Aliases.Contains(name[..dot]) ? bare : source.Schema.IndexOf(name[(dot + 1)..]);
    }

    /// <summary>
    /// How a value computed by an expression is shown (a derived field, a computed evidence value, a value in an
    /// explanation): a copied field as that field; a value made from a personal field is personal too, so a model —
    /// untrusted input — cannot take an ID number or a name out of the clues unmasked by computing with it. Text and
    /// dates made from it are masked as that field is; a number from it is masked wholly (the digits of an ID number
    /// cast to a number are the ID number), except an age or a length, which do not give the data back; a truth value
    /// is shown.
    /// </summary>
    private static FieldDefinition ComputedValueDefinition(string name, BoundExpression value)
    {
        if (value is BoundField copied)
        {
            return copied.Field with { Name = name, Source = null };
        }

        // Free text that mentions people is the weakest kind: a value made from it and from a name is masked as a name.
        PersonalDataKind[] reads = [.. BoundTree.DescendantsAndSelf(value).OfType<BoundField>().Select(f => f.Field.Personal).Where(p => p != PersonalDataKind.None)];
        PersonalDataKind read = reads.FirstOrDefault(p => p != PersonalDataKind.Text, reads.Length > 0 ? PersonalDataKind.Text : PersonalDataKind.None);
        PersonalDataKind personal = read == PersonalDataKind.None || value.Type is LanguageType.Bool ? PersonalDataKind.None
            : value.Type is LanguageType.Text or LanguageType.Date or LanguageType.Timestamp or LanguageType.TextArray ? read
            : value is BoundCall { Function.Name: "id_age_at" or "age_at" or "length" or "array_length" } ? PersonalDataKind.None
            : PersonalDataKind.Other;
        return new FieldDefinition(name, value.Type == LanguageType.Null ? FieldType.String : FieldTypeOf(value.Type)) { Personal = personal };
    }

    /// <summary>A top-level <c>overlaps(a_start, a_end, b_start, b_end)</c> whose b side is the join's own dates: the interval to index.</summary>
    private static (BoundExpression ProbeEnd, int StartField)? FindInterval(BoundExpression? where, int slot)
    {
        IEnumerable<BoundExpression> conjuncts = where switch
        {
            BoundLogical { IsAnd: true } and => and.Operands,
            null => [],
            _ => [where],
        };
        foreach (BoundExpression conjunct in conjuncts)
        {
            if (conjunct is BoundCall { Function.Name: "overlaps", Arguments: [_, var end, BoundField { Type: LanguageType.Date } start, BoundField { Type: LanguageType.Date }] } call
                && start.Source == slot && call.Arguments[3] is BoundField { Source: var endSource } && endSource == slot && !ReadsSlot(end, slot))
            {
                return (end, start.FieldIndex);
            }
        }

        return null;
    }

    private static bool ReadsSlot(BoundExpression expression, int slot) => expression switch
    {
        BoundField field => field.Source == slot,
        BoundConvert convert => ReadsSlot(convert.Operand, slot),
        BoundCall call => call.Arguments.Any(a => ReadsSlot(a, slot)),
        BoundBinary binary => ReadsSlot(binary.Left, slot) || ReadsSlot(binary.Right, slot),
        BoundUnary unary => ReadsSlot(unary.Operand, slot),
        BoundLiteral => false,
        _ => true,
    };

    private static BoundExpression BindValue(string expression, BindingScope scope, SourceLocation at, string ruleId, DiagnosticBag diagnostics) =>
        BindValue(expression, scope, SourceMap.StartingAt(at), ruleId, diagnostics);

    private static BoundExpression BindValue(string expression, BindingScope scope, SourceMap source, string ruleId, DiagnosticBag diagnostics)
    {
        var text = new ExpressionText(expression, source);
        SyntaxNode? syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default);
        return syntax is null ? new BoundError(default) : new Binder(text, scope, diagnostics, ruleId).BindValue(syntax);
    }

    /// <summary>What is wrong with a window's span for the type of its <c>over</c> field (<see langword="null"/> without one), if anything.</summary>
    private static (string Message, string Hint)? WindowSpanProblem(WindowDefinition window, FieldType? over)
    {
        const string Hint = "Over a date or datetime count in days (or consecutive days); over a year_month, in months (or consecutive months).";
        if (over is null)
        {
            return window.Months is not null || window.Consecutive is not null
                ? ("counts over the whole input (it has no 'over'), so it takes no months or consecutive periods.", "Name the field that places each record in time with 'over'.")
                : null;
        }

        if (over is not (FieldType.Date or FieldType.DateTime or FieldType.YearMonth))
        {
            return ($"runs over '{window.Over}', which must be a date, datetime or year_month field.", Hint);
        }

        if (window.Consecutive is { } run)
        {
            return window.Months is not null || window.Days != 0 ? ("has both a span and 'consecutive'; it takes one.", Hint)
                : run < 1 ? ("counts runs of fewer than 1 consecutive period.", "consecutive: 3 reports runs of three or more periods.")
                : null;
        }

        if (over == FieldType.YearMonth)
        {
            return window.Months is not { } months || window.Days != 0 ? ($"runs over '{window.Over}', a year_month, so its span is in months, not days.", Hint)
                : months < 0 ? ("has a span of fewer than 0 months.", Hint)
                : null;
        }

        return window.Months is not null ? ($"runs over '{window.Over}', a {(over == FieldType.Date ? "date" : "datetime")}, so its span is in days, not months.", Hint)
            : window.Days < 0 ? ("has a span of fewer than 0 days.", Hint)
            : null;
    }

    private static BoundWindow? BindWindow(RuleDefinition rule, ScopeSource own, DiagnosticBag diagnostics)
    {
        WindowDefinition window = rule.Window!;
        DatasetSchema schema = own.Schema;
        SourceLocation at = window.Location.IsKnown ? window.Location : rule.Location;
        int group = FieldOf(own, window.GroupBy);
        int over = window.Over is null ? -1 : FieldOf(own, window.Over);
        if (group < 0 || (over < 0 && window.Over is not null))
        {
            string missing = group < 0 ? window.GroupBy : window.Over!;
            string? suggestion = NameSuggester.Closest(missing, schema.Fields.Select(f => f.Name));
            diagnostics.Error(DiagnosticIds.UnknownField, $"The window of rule '{rule.Id}' names field '{missing}', which dataset '{schema.Name}' lacks.", at, suggestion is null ? null : $"Did you mean '{suggestion}'?", rule.Id);
            return null;
        }

        if (WindowSpanProblem(window, over < 0 ? null : schema.Fields[over].Type) is { } problem)
        {
            diagnostics.Error(DiagnosticIds.TypeMismatch, $"The window of rule '{rule.Id}' {problem.Message}", at, problem.Hint, rule.Id);
            return null;
        }

        var text = new ExpressionText(window.Having, window.HavingSource ?? SourceMap.StartingAt(at));
        SyntaxNode? syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default);
        if (syntax is null)
        {
            return null;
        }

        // The having and the clue's computed values read the same aggregates, each computed once per window.
        var aggregates = new List<AggregateSpec>();
        var local = new DiagnosticBag();
        SyntaxNode rewritten = AggregateRewriter.Rewrite(syntax, text, schema, group, aggregates, local, rule.Id);
        var computedSyntax = new List<(ComputedEvidence Item, ExpressionText Text, SyntaxNode Rewritten)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool named = true;
        foreach (ComputedEvidence item in rule.Clue.Computed)
        {
            SourceLocation itemAt = item.Location.IsKnown ? item.Location : rule.Clue.Location.IsKnown ? rule.Clue.Location : rule.Location;
            if (!CheckComputedName(rule, item, schema, names, itemAt, diagnostics))
            {
                named = false;
                continue;
            }

            var itemText = new ExpressionText(item.Expression, item.Source ?? SourceMap.StartingAt(itemAt));
            if (Parser.Parse(itemText, local, LanguageLimits.Default) is { } parsed)
            {
                computedSyntax.Add((item, itemText, AggregateRewriter.Rewrite(parsed, itemText, schema, group, aggregates, local, rule.Id)));
            }
        }

        // A window that derives gives a record per episode, its fields over the same aggregates.
        var deriveSyntax = new List<(ExpressionText Text, SyntaxNode Rewritten)?>();
        SourceLocation deriveAt = rule.Derive?.Location is { IsKnown: true } known ? known : rule.Location;
        foreach (DerivedField field in rule.Derive?.Fields ?? [])
        {
            var fieldText = new ExpressionText(field.Expression, field.Source ?? SourceMap.StartingAt(deriveAt));
            deriveSyntax.Add(Parser.Parse(fieldText, local, LanguageLimits.Default) is { } parsed ? (fieldText, AggregateRewriter.Rewrite(parsed, fieldText, schema, group, aggregates, local, rule.Id)) : null);
        }

        DatasetSchemaBuilder aggregateSchema = DatasetSchema.Create("aggregates");
        for (int i = 0; i < aggregates.Count; i++)
        {
            aggregateSchema.Add(AggregateRewriter.FieldName(i), aggregates[i].Type, aggregates[i].PersonalIn(schema));
        }

        DatasetSchema built = aggregateSchema.Build();
        var scope = new BindingScope(built, [], rule.Parameters);
        BoundExpression having = local.HasErrors ? new BoundError(default) : new Binder(text, scope, local, rule.Id).BindCondition(rewritten);
        var computed = new List<BoundComputedEvidence>();
        foreach ((ComputedEvidence item, ExpressionText itemText, SyntaxNode itemSyntax) in local.HasErrors ? [] : computedSyntax)
        {
            BoundExpression value = new Binder(itemText, scope, local, rule.Id).BindValue(itemSyntax);
            computed.Add(new BoundComputedEvidence(item.Name, value, ComputedValueDefinition(item.Name, value)));
        }

        var derived = new List<(BoundExpression Value, bool CopiesKey)?>();
        foreach ((ExpressionText Text, SyntaxNode Rewritten)? field in local.HasErrors ? [] : deriveSyntax)
        {
            BoundExpression? value = field is { } f ? new Binder(f.Text, scope, local, rule.Id).BindValue(f.Rewritten) : null;
            derived.Add(value is null ? null : (value, value is BoundField { FieldIndex: var index } && aggregates[index].Function == AggregateRewriter.Key));
        }

        foreach (Diagnostic diagnostic in local.Items)
        {
            diagnostics.Add(diagnostic.Id == DiagnosticIds.UnknownField
                ? diagnostic with { Message = $"A window counts records: its 'having', computed evidence and derived fields read aggregates and the '{schema.Fields[group].Name}' it groups by, not other fields.", Hint = "Use count(), count_distinct(field), sum(field), avg(field), min(field) or max(field); a value per record is derived in a stage before (derive:)." }
                : diagnostic);
        }

        return local.HasErrors || !named ? null : new BoundWindow(group, over, aggregates, built, having) { Computed = computed, Derived = derived };
    }

    private static ClueFields? ResolveClue(RuleDefinition rule, List<ScopeSource> sources, IReadOnlyCollection<(int Source, int Field)> referenced, BoundWindow? window, DiagnosticBag diagnostics)
    {
        bool ok = true;
        SourceLocation clueLocation = rule.Clue.Location.IsKnown ? rule.Clue.Location : rule.Location;
        DatasetSchema schema = sources[0].Schema;

        (int Source, int Field)? Find(string name)
        {
            // The rule's own field, bare or qualified; a joined one, qualified by its alias.
            if (FieldOf(sources[0], name) is >= 0 and int own)
            {
                return (0, own);
            }

            int dot = name.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && sources.Skip(1).FirstOrDefault(s => s.Aliases.Contains(name[..dot])) is { } source && FieldOf(source, name) is >= 0 and int joined
                ? (source.Index, joined)
                : null;
        }

        List<BoundComputedEvidence> computed = BindComputedEvidence(rule, sources, window, clueLocation, diagnostics);
        ok &= computed.Count == rule.Clue.Computed.Count;

        // Every declared name, bound or not: one with a problem was reported at its expression, not again where it is used.
        var computedNames = rule.Clue.Computed.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

        IEnumerable<string> Names() => sources.SelectMany(s => s.Schema.Fields.Select(f => s.Index == 0 ? f.Name : $"{s.Aliases.Last()}.{f.Name}")).Concat(computedNames);

        (int Source, int Field)[] Resolve(IReadOnlyList<string> names, IReadOnlyList<SourceLocation> locations, string role)
        {
            var fields = new List<(int, int)>();
            for (int i = 0; i < names.Count; i++)
            {
                if (Find(names[i]) is { } field)
                {
                    fields.Add(field);
                    continue;
                }

                string? suggestion = NameSuggester.Closest(names[i], Names());
                SourceLocation at = i < locations.Count && locations[i].IsKnown ? locations[i] : clueLocation;
                diagnostics.Error(DiagnosticIds.UnknownField, $"The {role} of rule '{rule.Id}' names field '{names[i]}', which the rule's datasets lack.", at, suggestion is null ? null : $"Did you mean '{suggestion}'?", rule.Id);
                ok = false;
            }

            return [.. fields];
        }

        IReadOnlyList<string> subjectNames = window is not null ? [schema.Fields[window.Group].Name]
            : rule.Clue.SubjectKey.Count > 0 ? rule.Clue.SubjectKey
            : schema.KeyFields;
        (int Source, int Field)[] subject = Resolve(subjectNames, rule.Clue.SubjectKey.Count > 0 && window is null ? rule.Clue.SubjectKeyLocations : [], "subject key");
        if (subjectNames.Count == 0)
        {
            diagnostics.Add(new Diagnostic(DiagnosticIds.NoSubjectKey, DiagnosticSeverity.Warning, $"Rule '{rule.Id}' has no subject key and dataset '{schema.Name}' declares none; clues are keyed by line.", rule.Location, "Declare key fields on the dataset or a subject key on the rule, so re-runs recognise the same clue.") { RuleId = rule.Id });
        }

        // The evidence in the order listed: fields, and computed values in their places (the others after them).
        IEnumerable<(int Source, int Field)> defaults = window is null
            ? subject.Concat(referenced)
            : [.. window.Over >= 0 ? [(0, window.Over)] : Array.Empty<(int, int)>(), .. referenced.Where(f => f.Source == 0 && f.Field != window.Group)];
        var once = new HashSet<string>(StringComparer.Ordinal);
        (string Name, int At)[] listed = [.. rule.Clue.Evidence.Select((name, at) => (name, at)).Where(e => !computedNames.Contains(e.name) || once.Add(e.name))];
        (string Name, int At)[] listedFields = [.. listed.Where(e => !computedNames.Contains(e.Name))];
        (int Source, int Field)[] evidence = rule.Clue.Evidence.Count > 0
            ? Resolve([.. listedFields.Select(e => e.Name)], [.. listedFields.Select(e => e.At < rule.Clue.EvidenceLocations.Count ? rule.Clue.EvidenceLocations[e.At] : SourceLocation.None)], "evidence")
            : [.. defaults.Distinct()];
        string[] material = [.. rule.Clue.Material.Where(m => !computedNames.Contains(m))];
        (int Source, int Field)[] materialFields = Resolve(material, rule.Clue.Material.Count == material.Length ? rule.Clue.MaterialLocations : [], "material evidence");
        evidence = [.. evidence, .. materialFields.Where(m => !evidence.Contains(m)).Distinct()];
        bool[] materialEvidence = [.. evidence.Select(materialFields.Contains)];

        // A computed value listed in evidence keeps its place there; the others follow every field.
        int listedComputed = listed.Length - listedFields.Length;
        int unlisted = 0;
        computed = [.. computed
            .Select(c => c with
            {
                Position = Array.FindIndex(listed, e => e.Name == c.Name) is >= 0 and int place ? place : evidence.Length + listedComputed + unlisted++,
                Material = rule.Clue.Material.Contains(c.Name, StringComparer.Ordinal),
            })
            .OrderBy(c => c.Position)];
        var unknown = new List<string>();
        string titleText = rule.Clue.Title ?? rule.Id;
        int ComputedIndex(string name) => computed.FindIndex(c => c.Name == name);
        TitleTemplate title = TitleTemplate.Parse(titleText, name => computedNames.Contains(name) ? (TitleTemplate.ComputedSource, ComputedIndex(name)) : Find(name), unknown);
        foreach (string name in unknown)
        {
            // At the placeholder itself, when the title's place in its file is known.
            int start = titleText.IndexOf("{" + name + "}", StringComparison.Ordinal);
            SourceLocation at = rule.Clue.TitleSource is { } map && start >= 0 ? new ExpressionText(titleText, map).Locate(new TextSpan(start, name.Length + 2)) : clueLocation;
            string? suggestion = NameSuggester.Closest(name, Names());
            diagnostics.Error(DiagnosticIds.UnknownField, $"The title of rule '{rule.Id}' has placeholder '{{{name}}}', which names no field of the rule's datasets.", at, suggestion is null ? null : $"Did you mean '{{{suggestion}}}'?", rule.Id);
            ok = false;
        }

        // A window clue lists the records it counted; a joined record is a filter of the count, not a member.
        foreach ((int source, int field) in window is null ? [] : evidence.Concat(title.Fields.Select(f => (f.Source, f.Field))).Where(f => f.Source != 0).Distinct())
        {
            ScopeSource joined = sources[source];
            diagnostics.Error(DiagnosticIds.InvalidRule, $"Rule '{rule.Id}' counts its own records in a window, so its clue can show their fields only, not '{joined.Aliases.Last()}.{joined.Schema.Fields[field].Name}' of a joined dataset.", clueLocation, "List fields of the rule's dataset in evidence and title; the joined records decide which records are counted.", rule.Id);
            ok = false;
        }

        return ok ? new ClueFields(subject, evidence, title) { Material = materialEvidence, Computed = computed } : null;
    }

    /// <summary>
    /// Binds the values a rule's clues compute (<see cref="ClueSpec.Computed"/>) over its record, joined records and
    /// parameters; an item with a problem is reported and left out.
    /// </summary>
    private static List<BoundComputedEvidence> BindComputedEvidence(RuleDefinition rule, List<ScopeSource> sources, BoundWindow? window, SourceLocation clueLocation, DiagnosticBag diagnostics)
    {
        var bound = new List<BoundComputedEvidence>();
        if (rule.Clue.Computed.Count == 0)
        {
            return bound;
        }

        if (rule.Window is not null)
        {
            // Bound with the window, over its aggregates, not over a record (a window that failed reported them).
            return window?.Computed ?? [];
        }

        var scope = new BindingScope(sources, rule.Parameters);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ComputedEvidence item in rule.Clue.Computed)
        {
            SourceLocation at = item.Location.IsKnown ? item.Location : clueLocation;
            if (!CheckComputedName(rule, item, sources[0].Schema, names, at, diagnostics))
            {
                continue;
            }

            var text = new ExpressionText(item.Expression, item.Source ?? SourceMap.StartingAt(at));
            SyntaxNode? syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default);
            BoundExpression value = syntax is null ? new BoundError(default) : new Binder(text, scope, diagnostics, rule.Id).BindValue(syntax);
            if (value.Type is LanguageType.Error)
            {
                continue;
            }

            FieldDefinition shown = ComputedValueDefinition(item.Name, value);
            bound.Add(new BoundComputedEvidence(item.Name, value, shown));
        }

        return bound;
    }

    /// <summary>Reports a computed value's name that is no name, a field's name or given twice.</summary>
    private static bool CheckComputedName(RuleDefinition rule, ComputedEvidence item, DatasetSchema schema, HashSet<string> names, SourceLocation at, DiagnosticBag diagnostics)
    {
        string? problem = !ComputedName().IsMatch(item.Name) ? "is not a name (letters, digits and _, not starting with a digit)"
            : schema.IndexOf(item.Name) >= 0 ? $"is a field of dataset '{schema.Name}'"
            : !names.Add(item.Name) ? "is given twice"
            : null;
        if (problem is not null)
        {
            diagnostics.Error(DiagnosticIds.InvalidRule, $"Computed evidence '{item.Name}' of rule '{rule.Id}' {problem}.", at, "Name each computed value once, differently from the dataset's fields: unpaid: awarded - paid", rule.Id);
        }

        return problem is null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[\p{L}_][\p{L}\p{N}_]*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ComputedName();

    /// <summary>A join key part; an ID-number field's value that fails its check joins nothing, unless the rule keeps such numbers.</summary>
    private static Func<Record[], object?> KeyPart(BoundExpression expression, ExpressionCompiler context, bool keepInvalidIdNumbers)
    {
        Func<Record[], object?> part = context.CompileContextValue(expression);
        return !keepInvalidIdNumbers && expression is BoundField { Field.Type: FieldType.IdNumber } ? JoinKeys.CheckedIdNumber(part) : part;
    }

    private static CompiledRule Compile(BoundRule rule, Dictionary<string, RecordLayout> layouts, IReadOnlyDictionary<string, SharedSlot> shared)
    {
        // An aggregating join's slot holds its aggregates for the condition and the clue, and its matches inside the join.
        RecordLayout[] sourceLayouts = [.. rule.Sources.Select((s, i) => rule.Joins.Find(j => j.Slot == i)?.Aggregates is { } a ? new RecordLayout(a.Schema) : layouts[s.Schema.Name])];
        var context = new ExpressionCompiler(sourceLayouts);

        // A window's clue computes its values, and a window that derives its fields, over the window's aggregates.
        RecordLayout? aggregateLayout = rule.Window is null ? null : new RecordLayout(rule.Window.AggregateSchema);
        ExpressionCompiler computedContext = aggregateLayout is null ? context : new ExpressionCompiler([aggregateLayout]);
        var joins = rule.Joins.Select(j =>
        {
            RecordLayout matches = layouts[j.Definition.Dataset];
            var inJoin = j.Aggregates is null ? context : new ExpressionCompiler([.. sourceLayouts.Select((l, i) => i == j.Slot ? matches : l)]);
            return new CompiledJoin
            {
                Definition = j.Definition,
                Source = j.Slot,
                Layout = matches,
                LeftKey = [.. j.Left.Select(e => KeyPart(e, inJoin, rule.Definition.KeepInvalidIdNumbers))],
                RightKey = [.. j.Right.Select(e => KeyPart(e, inJoin, rule.Definition.KeepInvalidIdNumbers))],
                Where = j.Where is null ? null : inJoin.CompileContextPredicate(j.Where),
                KeyExpressions = [.. j.Left.Zip(j.Right)],
                WhereExpression = j.Where,
                LatestField = j.LatestField,
                IntervalStartField = j.Interval?.StartField ?? -1,
                IntervalProbeEnd = j.Interval is { } interval ? inJoin.CompileContextValue(interval.ProbeEnd) : null,
                NullRecord = NullRecord(j.Aggregates is null ? matches : sourceLayouts[j.Slot]),
                Aggregates = j.Aggregates is { } aggregates
                    ? new JoinAggregation(sourceLayouts[j.Slot], [.. aggregates.Items.Select(a => new JoinAggregation.Item(a.Function, a.Argument is null ? null : inJoin.CompileContextValue(a.Argument), a.Argument?.Type ?? LanguageType.Int, a.Type, a.Argument)
                    {
                        Order = a.Order is null ? null : inJoin.CompileContextValue(a.Order),
                        OrderExpression = a.Order,
                        Descending = a.Descending,
                        Limit = a.Limit,
                    })])
                    : null,
            };
        }).ToArray();

        // A script in a worker process is evaluated a batch at a time by the run; its clue only exists when it said true.
        Func<Record, bool>? script = rule.Script is { RunsInWorker: false } local ? local.CreatePredicate(sourceLayouts[0]) : null;
        Func<Record[], bool?>? scriptLeaf = rule.Script is null ? null : script is null ? _ => true : c => script(c[0]);
        (string Dataset, string? Alias)[] sources = [.. rule.Sources.Select(s => (s.Schema.Name, s.Index == 0 ? rule.Definition.Alias : s.Aliases.Last()))];
        return new CompiledRule
        {
            Definition = rule.Definition,
            Predicate = joins.Length > 0 ? static _ => throw new InvalidOperationException("A join rule is evaluated over a record context.") : Predicate(rule.Condition, script, new ExpressionCompiler(sourceLayouts[0], shared)),
            Script = rule.Script,
            Joins = joins,
            ContextPredicate = joins.Length == 0 ? null : context.CompileContextPredicate(rule.Condition),
            Condition = rule.Condition,
            Window = aggregateLayout is null ? null : CompileWindow(rule, sourceLayouts[0], aggregateLayout),
            Derive = rule.Derived is { } derived ? new DerivedOutput(layouts[derived.Schema.Name], [.. derived.Fields.Select(computedContext.CompileContextValue)]) : null,
            Sources = sources,
            SubjectFields = rule.Clue.Subject,
            EvidenceFields = rule.Clue.Evidence,
            EvidenceNames = [.. rule.Clue.Evidence.Select(e => e.Source == 0 ? sourceLayouts[0].Schema.Fields[e.Field].Name : $"{sources[e.Source].Alias}.{sourceLayouts[e.Source].Schema.Fields[e.Field].Name}")],
            MaterialEvidence = rule.Clue.Material,
            Computed = [.. rule.Clue.Computed.Select(c => new CompiledComputedEvidence(c.Name, computedContext.CompileContextDisplayValue(c.Value), c.Shown, c.Position, c.Material))],
            Title = rule.Clue.Title,
            LeafTexts = [.. rule.Leaves.Select(l => l.Text), .. rule.Script is null ? [] : new[] { rule.Script.Description }],
            Leaves = new Lazy<Func<Record[], bool?>[]>(
                () => [.. rule.Leaves.Select(l => context.CompileContextCondition(l.Expression)), .. scriptLeaf is null ? [] : new[] { scriptLeaf }],
                LazyThreadSafetyMode.ExecutionAndPublication),
            LeafCalls = new Lazy<LeafCall[]>(
                () => [.. rule.LeafCalls.Select(c => new LeafCall(c.Leaf, c.Text, context.CompileContextDisplayValue(c.Call), ComputedValueDefinition(c.Text, c.Call)))],
                LazyThreadSafetyMode.ExecutionAndPublication),
        };
    }

    /// <summary>The condition, then the script; a script alone runs without a wrapper.</summary>
    private static Func<Record, bool> Predicate(BoundExpression condition, Func<Record, bool>? script, ExpressionCompiler compiler)
    {
        if (script is null)
        {
            return compiler.CompilePredicate(condition);
        }

        if (condition is BoundLiteral { Value: true })
        {
            return script;
        }

        Func<Record, bool> test = compiler.CompilePredicate(condition);
        return record => test(record) && script(record);
    }

    /// <summary>
    /// Compiles the rules of one dataset, on every core when there are many: turning each rule's expression tree into
    /// code is most of a rule set's build, and rules compile independently.
    /// </summary>
    private static CompiledRule[] CompileAll(BoundRule[] own, Dictionary<string, RecordLayout> layouts, IReadOnlyDictionary<string, SharedSlot> shared)
    {
        var compiled = new CompiledRule[own.Length];
        if (own.Length < 32)
        {
            for (int i = 0; i < own.Length; i++)
            {
                compiled[i] = Compile(own[i], layouts, shared);
            }

            return compiled;
        }

        try
        {
            Parallel.For(0, own.Length, i => compiled[i] = Compile(own[i], layouts, shared));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        return compiled;
    }

    /// <summary>
    /// The fields of <paramref name="schema"/> that a run of its own rules reads from each record: what the
    /// conditions, joins' own side, windows, derived fields, clues (subject, evidence, title) and scripts read, the
    /// exclusion, the dataset's key and every identity-number field (which a run checks). A reader may leave the
    /// others unparsed.
    /// </summary>
    private static bool[] FieldsRead(DatasetSchema schema, BoundRule[] own, BoundExpression? exclusion)
    {
        var read = new bool[schema.Fields.Count];
        void Expression(BoundExpression? expression)
        {
            foreach (BoundField field in expression is null ? [] : BoundTree.DescendantsAndSelf(expression).OfType<BoundField>().Where(f => f.Source == 0))
            {
                read[field.FieldIndex] = true;
            }
        }

        void Own(IEnumerable<(int Source, int Field)> fields)
        {
            foreach ((int source, int field) in fields)
            {
                if (source == 0)
                {
                    read[field] = true;
                }
            }
        }

        foreach (BoundRule rule in own)
        {
            Expression(rule.Condition);
            Own(rule.Clue.Subject);
            Own(rule.Clue.Evidence);
            Own(rule.Clue.Title.Fields);
            if (rule.Window is null)
            {
                // A window's computed values and derived fields read its aggregates, whose fields are read below.
                rule.Clue.Computed.ForEach(c => Expression(c.Value));
                rule.Derived?.Fields.ForEach(Expression);
            }

            foreach (BoundJoin join in rule.Joins)
            {
                // A join's own side: its keys, its filter, the end of an interval, what its aggregates read.
                join.Left.ForEach(Expression);
                join.Right.ForEach(Expression);
                Expression(join.Where);
                Expression(join.Interval?.ProbeEnd);
                foreach (BoundJoinAggregate aggregate in join.Aggregates?.Items ?? [])
                {
                    Expression(aggregate.Argument);
                    Expression(aggregate.Order);
                }
            }

            if (rule.Window is { } window)
            {
                Own(new[] { window.Group, window.Over }.Where(f => f >= 0).Select(f => (0, f)));
                Own(window.Aggregates.Where(a => a.Field >= 0).Select(a => (0, a.Field)));
            }

            if (rule.Script is not null)
            {
                // A script names the fields it reads; one whose names cannot be resolved reads them all.
                int[] fields = [.. rule.Script.FieldsRead.Select(schema.IndexOf)];
                Own(fields.Any(f => f < 0) ? Enumerable.Range(0, read.Length).Select(f => (0, f)) : fields.Select(f => (0, f)));
            }
        }

        Expression(exclusion);
        for (int f = 0; f < read.Length; f++)
        {
            read[f] |= schema.Fields[f].Type == FieldType.IdNumber || schema.KeyFields.Contains(schema.Fields[f].Name, StringComparer.Ordinal);
        }

        return read;
    }

    private static CompiledWindow CompileWindow(BoundRule rule, RecordLayout layout, RecordLayout aggregateLayout)
    {
        BoundWindow window = rule.Window!;
        int[] snapshot = [.. new[] { window.Group, window.Over }.Where(f => f >= 0)
            .Concat(rule.Clue.Evidence.Select(f => f.Field))
            .Concat(rule.Clue.Title.Fields.Select(f => f.Field))
            .Concat(window.Aggregates.Where(a => a.Field >= 0).Select(a => a.Field))
            .Distinct()
            .Order()];
        int[] index = Enumerable.Repeat(-1, layout.FieldCount).ToArray();
        for (int i = 0; i < snapshot.Length; i++)
        {
            index[snapshot[i]] = i;
        }

        return new CompiledWindow
        {
            Definition = rule.Definition.Window!,
            Schema = layout.Schema,
            GroupField = window.Group,
            OverField = window.Over,
            Aggregates = [.. window.Aggregates],
            AggregateLayout = aggregateLayout,
            Having = new ExpressionCompiler(aggregateLayout).CompilePredicate(window.Having),
            HavingExpression = window.Having,
            SnapshotFields = snapshot,
            SnapshotIndex = index,
        };
    }

    private static Record NullRecord(RecordLayout layout)
    {
        Record record = layout.CreateRecord();
        record.SetAllNull();
        return record;
    }

    private sealed record ClueFields((int Source, int Field)[] Subject, (int Source, int Field)[] Evidence, TitleTemplate Title)
    {
        /// <summary>Gets, for each evidence field, whether the rule declares it material.</summary>
        public bool[] Material { get; init; } = [];

        /// <summary>Gets the computed values, in the order of their places among the evidence.</summary>
        public List<BoundComputedEvidence> Computed { get; init; } = [];
    }

    /// <summary>A computed evidence value: its expression, how it is shown, and its place among the evidence.</summary>
    private sealed record BoundComputedEvidence(string Name, BoundExpression Value, FieldDefinition Shown)
    {
        /// <summary>Gets the value's place among the clue's evidence.</summary>
        public int Position { get; init; }

        /// <summary>Gets whether the rule declares it material.</summary>
        public bool Material { get; init; }
    }

    private sealed record BoundJoin(JoinDefinition Definition, int Slot, List<BoundExpression> Left, List<BoundExpression> Right, BoundExpression? Where, int LatestField, (BoundExpression ProbeEnd, int StartField)? Interval)
    {
        public BoundJoinAggregates? Aggregates { get; init; }
    }

    private sealed record BoundJoinAggregate(string Function, BoundExpression? Argument, FieldType Type)
    {
        /// <summary>Gets what orders the matches for list(), first() and last(); <see langword="null"/> for match order.</summary>
        public BoundExpression? Order { get; init; }

        public bool Descending { get; init; }

        public int Limit { get; init; } = JoinAggregate.MaxListItems;
    }

    /// <summary>An aggregating join's aggregates, and the schema of the record that holds them in the join's slot.</summary>
    private sealed record BoundJoinAggregates(DatasetSchema Schema, List<BoundJoinAggregate> Items);

    private sealed record BoundWindow(int Group, int Over, List<AggregateSpec> Aggregates, DatasetSchema AggregateSchema, BoundExpression Having)
    {
        /// <summary>Gets the clue's computed values, over the aggregates.</summary>
        public List<BoundComputedEvidence> Computed { get; init; } = [];

        /// <summary>Gets the derived fields of a window that derives, over the aggregates, in the order declared (null where one failed to parse); whether each copies the group's key.</summary>
        public List<(BoundExpression Value, bool CopiesKey)?> Derived { get; init; } = [];
    }

    private sealed record BoundRule(RuleDefinition Definition, List<ScopeSource> Sources, BoundExpression Condition, List<(string Text, BoundExpression Expression)> Leaves, ClueFields Clue, List<BoundJoin> Joins, BoundWindow? Window)
    {
        public ScriptCondition? Script { get; init; }

        /// <summary>Gets the function calls of each leaf that read the record, with their text.</summary>
        public List<(int Leaf, string Text, BoundExpression Call)> LeafCalls { get; init; } = [];

        public BoundDerive? Derived { get; init; }
    }

    /// <summary>A derived dataset's schema and its fields' values over the deriving rule's record context.</summary>
    private sealed record BoundDerive(DatasetSchema Schema, List<BoundExpression> Fields);
}
