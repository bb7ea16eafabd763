using System.Globalization;
using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Language;
using RuleEngine.Schema;

namespace RuleEngine.Sql.Planning;

/// <summary>
/// Turns a compiled rule set into queries. Per dataset: one scan evaluates every rule without joins (record rules,
/// script rules' conditions, window rules' filters narrowed to keys that can reach the threshold); each join rule is
/// one query, a chain of hash-join stages that pick the match the engine picks. What cannot be written with the
/// engine's meaning becomes an RE7001 diagnostic.
/// </summary>
internal sealed class QueryPlanner(SqlSyntax syntax, IReadOnlyDictionary<string, SqlTable> tables, DiagnosticBag diagnostics)
{
    private const string LineAlias = "re_line";

    /// <summary>
    /// The queries of a rule set, in stage order: those that read only input datasets first, then, stage by stage,
    /// those that read a derived dataset (its table is filled when the query of its deriving rule has run).
    /// </summary>
    public List<PlannedQuery> Plan(RuleSet rules)
    {
        var queries = new List<PlannedQuery>();
        foreach (string name in rules.Datasets.Keys.Order(StringComparer.Ordinal))
        {
            CompiledDataset dataset = rules.Compiled(name);
            if (dataset.Rules.Length == 0 || Table(name, dataset.Rules[0]) is null)
            {
                continue;
            }

            CompiledRule[] scanned = [.. dataset.Rules.Where(r => r.Joins.Length == 0 && Supported(r))];
            if (scanned.Length > 0 && Scan(dataset, scanned) is { } scan)
            {
                queries.Add(scan);
            }

            foreach (CompiledRule rule in dataset.Rules.Where(r => r.Joins.Length > 0 && Supported(r)))
            {
                if (Join(dataset, rule) is { } join)
                {
                    queries.Add(join);
                }
            }
        }

        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        int Depth(string dataset)
        {
            if (!depths.TryGetValue(dataset, out int depth))
            {
                // Stages form no cycle (RE2020): a derived dataset is one stage after what its rule reads.
                CompiledDataset compiled = rules.Compiled(dataset);
                CompiledRule? producer = compiled.DerivedBy is { } id ? rules.Datasets.Keys.Select(rules.Compiled).SelectMany(d => d.Rules).First(r => r.Definition.Id == id) : null;
                depth = producer is null ? 0 : 1 + Reads(producer).Max(Depth);
                depths[dataset] = depth;
            }

            return depth;
        }

        return [.. queries.Select((q, i) => (Query: q, Order: i)).OrderBy(q => q.Query.Rules.SelectMany(Reads).Max(Depth)).ThenBy(q => q.Order).Select(q => q.Query)];
    }

    private static IEnumerable<string> Reads(CompiledRule rule) => rule.Joins.Select(j => j.Definition.Dataset).Prepend(rule.Sources[0].Dataset);

    private bool Supported(CompiledRule rule)
    {
        if (rule.Script is { RunsInWorker: true })
        {
            diagnostics.Add(new Diagnostic(DiagnosticIds.NotPushable, DiagnosticSeverity.Error, $"Rule '{rule.Definition.Id}' has a script that runs in a worker process; the SQL back end runs scripts in the host only.", rule.Definition.Location, "Run scripts in the trusted tier for SQL runs, or run this model in-process.") { RuleId = rule.Definition.Id });
            return false;
        }

        return true;
    }

    private SqlTable? Table(string dataset, CompiledRule rule)
    {
        if (tables.TryGetValue(dataset, out SqlTable? table))
        {
            return table;
        }

        diagnostics.Add(new Diagnostic(DiagnosticIds.SqlTableMissing, DiagnosticSeverity.Error, $"Dataset '{dataset}' has no table: rule '{rule.Definition.Id}' reads it.", rule.Definition.Location, "Give the dataset a SqlTable (a table or view, or a file read in place).") { RuleId = rule.Definition.Id });
        return null;
    }

    private string From(string dataset, string alias) => $"{tables[dataset].Relation} AS {alias}";

    private string Line(string dataset, string alias) => $"{alias}.{SqlSyntax.Quote(tables[dataset].LineColumn)}";

    private PlannedQuery? Scan(CompiledDataset dataset, CompiledRule[] rules)
    {
        const string alias = "s0";
        var flags = new List<string>();
        var narrowings = new StringBuilder();
        bool ok = true;
        foreach (CompiledRule rule in rules)
        {
            string? condition = Condition(rule, alias);
            if (condition is null)
            {
                ok = false;
                continue;
            }

            string keys = string.Create(CultureInfo.InvariantCulture, $"re_keys{flags.Count}");
            if (rule.Window is { } window && WindowNarrowing(dataset, rule, window, keys) is { } narrowing)
            {
                narrowings.Append(narrowing);
                condition = $"({condition} AND {keys}.re_key IS NOT NULL)";
            }

            flags.Add(condition);
        }

        if (!ok)
        {
            return null;
        }

        var sql = new StringBuilder("SELECT ");
        sql.Append(Line(dataset.Schema.Name, alias)).Append(" AS ").Append(LineAlias);
        AppendFields(sql, dataset.Schema, alias, 0);
        for (int i = 0; i < flags.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $", ({flags[i]}) IS TRUE AS m{i}");
        }

        sql.Append(" FROM ").Append(From(dataset.Schema.Name, alias)).Append(narrowings);
        sql.Append(" WHERE ").Append(Excluded(dataset, alias)).Append('(').Append(string.Join(" OR ", flags.Select(f => $"({f}) IS TRUE"))).Append(')');
        sql.Append(" ORDER BY ").Append(LineAlias);
        return new PlannedQuery { Shape = QueryShape.Scan, Primary = dataset, Rules = rules, Text = sql.ToString() };
    }

    private static void AppendFields(StringBuilder sql, DatasetSchema schema, string alias, int slot)
    {
        for (int f = 0; f < schema.Fields.Count; f++)
        {
            sql.Append(CultureInfo.InvariantCulture, $", {alias}.{SqlSyntax.Quote(schema.Fields[f].Name)} AS c{slot}_{f}");
        }
    }

    private string Excluded(CompiledDataset dataset, string alias)
    {
        if (dataset.ExcludeExpression is not { } exclusion)
        {
            return string.Empty;
        }

        var writer = new ExpressionWriter(syntax, f => $"{alias}.{SqlSyntax.Quote(f.Field.Name)}");
        string sql = writer.Write(exclusion);
        foreach (NotPushable problem in writer.Problems)
        {
            diagnostics.Add(new Diagnostic(DiagnosticIds.NotPushable, DiagnosticSeverity.Error, $"The exclusion of dataset '{dataset.Schema.Name}' cannot run on {syntax.Dialect}: {problem.Message}", SourceLocation.None, problem.Hint));
        }

        return $"({sql}) IS NOT TRUE AND ";
    }

    /// <summary>The rule's condition over alias <paramref name="alias"/>, or <see langword="null"/> when it cannot be pushed down.</summary>
    private string? Condition(CompiledRule rule, string alias) =>
        Write(rule.Condition, rule, rule.Definition.Condition, rule.Definition.ConditionSource, rule.Definition.Location, f => $"{alias}.{SqlSyntax.Quote(f.Field.Name)}");

    private string? Write(BoundExpression expression, CompiledRule rule, string? text, SourceMap? map, SourceLocation fallback, Func<BoundField, string> column)
    {
        var writer = new ExpressionWriter(syntax, column);
        string sql = writer.Write(expression);
        if (writer.Problems.Count == 0)
        {
            return sql;
        }

        var located = new ExpressionText(text ?? string.Empty, map ?? SourceMap.StartingAt(fallback));
        foreach (NotPushable problem in writer.Problems)
        {
            SourceLocation at = text is null ? fallback : located.Locate(problem.Span);
            diagnostics.Add(new Diagnostic(DiagnosticIds.NotPushable, DiagnosticSeverity.Error, $"Rule '{rule.Definition.Id}' cannot run on {syntax.Dialect}: {problem.Message}", at, problem.Hint) { RuleId = rule.Definition.Id });
        }

        return null;
    }

    /// <summary>
    /// Keys that cannot reach a <c>count() &gt;= n</c> in the window (fewer than n passing records in all) are left
    /// out in SQL; the episodes themselves are formed by the engine's window processor over the rows returned. The
    /// keys that can are a grouped subquery, hash-joined (as <paramref name="keys"/>) rather than tested with
    /// <c>IN</c>, which PostgreSQL rescans per row once the keys outgrow its work memory.
    /// </summary>
    private string? WindowNarrowing(CompiledDataset dataset, CompiledRule rule, CompiledWindow window, string keys)
    {
        long? threshold = CountThreshold(window.HavingExpression, window);
        if (threshold is not { } minimum || minimum <= 1)
        {
            return null;
        }

        const string inner = "w";
        string? condition = Condition(rule, inner);
        if (condition is null)
        {
            return null;
        }

        FieldDefinition groupField = dataset.Schema.Fields[window.GroupField];
        string group = SqlSyntax.Quote(groupField.Name);
        string text = syntax.CastType(LanguageType.Text);
        string Key(string alias) => Canonical(dataset.Schema.Name, groupField)
            ? $"{alias}.{group}"
            : syntax.Helper("re_key", $"CAST({alias}.{group} AS {text})");
        string exclusion = Excluded(dataset, inner);
        return string.Create(CultureInfo.InvariantCulture, $" LEFT JOIN (SELECT {Key(inner)} AS re_key FROM {From(dataset.Schema.Name, inner)} WHERE {exclusion}({condition}) IS TRUE GROUP BY 1 HAVING count(*) >= {minimum}) AS {keys} ON {Key("s0")} = {keys}.re_key");
    }

    private static long? CountThreshold(BoundExpression having, CompiledWindow window)
    {
        IEnumerable<BoundExpression> conjuncts = having is BoundLogical { IsAnd: true } and ? and.Operands : [having];
        long? best = null;
        foreach (BoundExpression conjunct in conjuncts)
        {
            if (conjunct is BoundBinary { Operator: BinaryOperator.GreaterOrEqual or BinaryOperator.Greater } comparison
                && Strip(comparison.Left) is BoundField { FieldIndex: var index }
                && window.Aggregates[index].Function == "count"
                && Strip(comparison.Right) is BoundLiteral { Value: { } value })
            {
                long n = Convert.ToInt64(value, CultureInfo.InvariantCulture) + (comparison.Operator == BinaryOperator.Greater ? 1 : 0);
                best = Math.Max(best ?? n, n);
            }
        }

        return best;
    }

    private static BoundExpression Strip(BoundExpression expression) => expression is BoundConvert { IsExplicit: false } convert ? Strip(convert.Operand) : expression;

    /// <summary>
    /// A join rule as a chain of stages, one per join, each a hash join of the previous stage's contexts with the
    /// reference: <c>all</c> keeps every match; <c>any</c>, <c>exists</c> and <c>latest</c> keep the match the engine
    /// picks (first in the reference's input order, or latest by the field) by ranking the matches of each context;
    /// <c>not_exists</c> is an anti-join. Conjuncts of the condition that read only the rule's own record filter the
    /// first stage; the whole condition filters the last.
    /// </summary>
    private PlannedQuery? Join(CompiledDataset dataset, CompiledRule rule)
    {
        var nullSlots = new HashSet<int>(rule.Joins.Where(j => j.Definition.Kind == JoinKind.NotExists).Select(j => j.Source));
        bool[] read = [true, .. rule.Joins.Select(j => !nullSlots.Contains(j.Source))];
        // An aggregating join's slot holds its aggregates, not a match.
        DatasetSchema[] schemas = [dataset.Schema, .. rule.Joins.Select(j => j.Aggregates?.Layout.Schema ?? j.Layout.Schema)];
        const string previous = "p";
        string Carried(BoundField f) => nullSlots.Contains(f.Source)
            ? $"CAST(NULL AS {syntax.CastType(f.Type)})"
            : $"{previous}.{Column(f.Source, f.FieldIndex)}";

        bool ok = true;
        string? early = EarlyConditions(rule, f => $"s0.{SqlSyntax.Quote(f.Field.Name)}");
        var stages = new List<string>
        {
            $"re_stage0 AS (SELECT {SlotColumns(dataset.Schema.Name, schemas[0], "s0", 0)} FROM {From(dataset.Schema.Name, "s0")} WHERE {Excluded(dataset, "s0")}{early ?? "TRUE"})",
        };
        var carried = new List<string> { Carry(schemas[0], 0) };
        foreach (CompiledJoin join in rule.Joins)
        {
            if (Table(join.Definition.Dataset, rule) is null)
            {
                ok = false;
                continue;
            }

            string alias = $"s{join.Source}";
            string Here(BoundField f) => f.Source == join.Source ? $"{alias}.{SqlSyntax.Quote(f.Field.Name)}" : Carried(f);
            var match = new List<string>();
            foreach ((BoundExpression left, BoundExpression right) in join.KeyExpressions)
            {
                string? l = Write(left, rule, null, null, join.Definition.Location, Carried);
                string? r = Write(right, rule, null, null, join.Definition.Location, Here);
                if (l is null || r is null)
                {
                    ok = false;
                    continue;
                }

                match.Add(CanonicalPair(rule, left, right, join) ? $"{l} = {r}" : KeyEquals(l, left.Type, r, right.Type));

                // As in-process: an ID-number field whose value fails its check joins nothing, unless the rule keeps such numbers.
                foreach ((BoundExpression side, string written) in new[] { (left, l), (right, r) })
                {
                    if (!rule.Definition.KeepInvalidIdNumbers && side is BoundField { Field.Type: FieldType.IdNumber })
                    {
                        match.Add($"{syntax.Helper("re_id_birth", written)} IS NOT NULL");
                    }
                }
            }

            if (join.WhereExpression is { } whereExpression)
            {
                string? condition = Write(whereExpression, rule, join.Definition.Where, join.Definition.WhereSource, join.Definition.Location, Here);
                if (condition is null)
                {
                    ok = false;
                    continue;
                }

                match.Add($"({condition}) IS TRUE");
            }

            string matches = match.Count == 0 ? "TRUE" : string.Join(" AND ", match);
            string stage = $"re_stage{join.Source}";
            string prior = $"re_stage{join.Source - 1}";
            string relation = From(join.Definition.Dataset, alias);
            string keep = string.Join(", ", carried);
            if (join.Aggregates is { } aggregation)
            {
                // One row per context, the aggregates of its matches computed by a lateral subquery; an inner join needs a match.
                string[]? aggregates = Aggregates(rule, join, aggregation, alias, Here);
                if (aggregates is null)
                {
                    ok = false;
                    continue;
                }

                string lateral = $"re_agg{join.Source}";
                string columns = string.Join(", ", aggregates.Select((a, i) => $"{a} AS {Column(join.Source, i)}"));
                string values = string.Join(", ", aggregates.Select((_, i) => $"{lateral}.{Column(join.Source, i)}"));
                string needed = join.Definition.Kind == JoinKind.Inner ? $" WHERE {lateral}.re_n > 0" : string.Empty;
                stages.Add($"{stage} AS (SELECT {keep}, 0 AS re_l{join.Source}, {values} FROM {prior} AS {previous} LEFT JOIN LATERAL (SELECT count(*) AS re_n, {columns} FROM {relation} WHERE {matches}) AS {lateral} ON TRUE{needed})");
                carried.Add(Carry(schemas[join.Source], join.Source));
                continue;
            }

            switch (join.Definition.Kind, join.Definition.Match)
            {
                case (JoinKind.NotExists, _):
                    stages.Add($"{stage} AS (SELECT {keep} FROM {prior} AS {previous} WHERE NOT EXISTS (SELECT 1 FROM {relation} WHERE {matches}))");
                    break;
                case (JoinKind.Inner or JoinKind.Left, JoinMatch.All):
                    stages.Add($"{stage} AS (SELECT {keep}, {SlotColumns(join.Definition.Dataset, schemas[join.Source], alias, join.Source)} FROM {prior} AS {previous} {(join.Definition.Kind == JoinKind.Left ? "LEFT JOIN" : "JOIN")} {relation} ON {matches})");
                    carried.Add(Carry(schemas[join.Source], join.Source));
                    break;
                default:
                    string line = Line(join.Definition.Dataset, alias);
                    string order = join.Definition.Match == JoinMatch.Latest && join.LatestField >= 0
                        ? $"{alias}.{SqlSyntax.Quote(join.Layout.Schema.Fields[join.LatestField].Name)} DESC NULLS LAST, {line}"
                        : line;
                    string partition = string.Join(", ", Enumerable.Range(0, join.Source).Where(k => read[k]).Select(k => $"{previous}.re_l{k}"));
                    stages.Add($"{stage} AS (SELECT {keep}, {Carry(schemas[join.Source], join.Source)} FROM (SELECT {keep}, {SlotColumns(join.Definition.Dataset, schemas[join.Source], alias, join.Source)}, "
                        + $"row_number() OVER (PARTITION BY {partition} ORDER BY {order}) AS re_rank FROM {prior} AS {previous} {(join.Definition.Kind == JoinKind.Left ? "LEFT JOIN" : "JOIN")} {relation} ON {matches}) AS {previous} WHERE re_rank = 1)");
                    carried.Add(Carry(schemas[join.Source], join.Source));
                    break;
            }
        }

        string? condition0 = Write(rule.Condition, rule, rule.Definition.Condition, rule.Definition.ConditionSource, rule.Definition.Location, Carried);
        if (!ok || condition0 is null)
        {
            return null;
        }

        string last = $"re_stage{rule.Joins.Length}";
        string lines = string.Join(", ", Enumerable.Range(0, read.Length).Where(k => read[k]).Select(k => $"re_l{k} NULLS FIRST"));
        string sql = $"WITH {string.Join(", ", stages)} SELECT {string.Join(", ", carried)} FROM {last} AS {previous} WHERE ({condition0}) IS TRUE ORDER BY {lines}";
        return new PlannedQuery { Shape = QueryShape.Join, Primary = dataset, Rules = [rule], Text = sql, SlotsRead = read };
    }

    /// <summary>
    /// An aggregating join's aggregates over its matches, as SQL aggregates in field order; <see langword="null"/>
    /// (with RE7001) when one cannot be written with the engine's meaning.
    /// </summary>
    private string[]? Aggregates(CompiledRule rule, CompiledJoin join, JoinAggregation aggregation, string alias, Func<BoundField, string> column)
    {
        var written = new List<string>();

        // Match order as in-process: the reference's input order, or the interval start's when the join's where has overlaps.
        string line = Line(join.Definition.Dataset, alias);
        string? start = join.IntervalStartField >= 0 ? $"{alias}.{SqlSyntax.Quote(join.Layout.Schema.Fields[join.IntervalStartField].Name)}" : null;
        string MatchOrder(string direction) => start is null ? $"{line} {direction}" : $"{start} {direction}, {line} {direction}";
        foreach (JoinAggregation.Item item in aggregation.Items)
        {
            string? argument = item.ArgumentExpression is { } expression ? Write(expression, rule, null, null, join.Definition.Location, column) : null;
            string? orderValue = item.OrderExpression is { } by ? Write(by, rule, null, null, join.Definition.Location, column) : null;
            if ((item.ArgumentExpression is not null && argument is null) || (item.OrderExpression is not null && orderValue is null))
            {
                return null;
            }

            // last(x ORDER BY y) is first(x ORDER BY y DESC), NULLs last either way; last(x) the last in match order.
            bool reverse = item.Function == "last";
            string order = orderValue is null
                ? MatchOrder(reverse ? "DESC" : "ASC")
                : $"{orderValue} {(item.Descending != reverse ? "DESC" : "ASC")} NULLS LAST, {MatchOrder("ASC")}";

            switch (item.Function)
            {
                case "count":
                    written.Add("count(*)");
                    break;
                case "count_distinct":
                    written.Add($"count(DISTINCT {argument})");
                    break;
                case "sum" when item.ArgumentType == LanguageType.Int:
                    written.Add($"CAST(sum({argument}) AS {syntax.CastType(LanguageType.Int)})");
                    break;
                case "sum" or "min" or "max":
                    written.Add($"{item.Function}({argument})");
                    break;
                case "first" or "last":
                    written.Add(syntax.FirstValue(argument!, order));
                    break;
                case "list" when item.ArgumentType is LanguageType.Text or LanguageType.Int or LanguageType.Date or LanguageType.Timestamp or LanguageType.Bool:
                    string text = item.ArgumentType == LanguageType.Text ? argument! : $"CAST({argument} AS {syntax.CastType(LanguageType.Text)})";
                    written.Add(syntax.TextList(text, order, item.Limit));
                    break;
                default:
                    diagnostics.Add(new Diagnostic(DiagnosticIds.NotPushable, DiagnosticSeverity.Error, $"Rule '{rule.Definition.Id}' lists {item.ArgumentType.Display()} values of its join of '{join.Definition.Dataset}'; {syntax.Dialect} writes such values as text differently from the engine.", join.Definition.Location.IsKnown ? join.Definition.Location : rule.Definition.Location, "List text, whole numbers or dates, or run this model in-process.") { RuleId = rule.Definition.Id });
                    return null;
            }
        }

        return [.. written];
    }

    /// <summary>The conjuncts of a join rule's condition that read only its own record, for the first stage; <see langword="null"/> when none.</summary>
    private string? EarlyConditions(CompiledRule rule, Func<BoundField, string> column)
    {
        IEnumerable<BoundExpression> conjuncts = rule.Condition is BoundLogical { IsAnd: true } and ? and.Operands : [rule.Condition];
        var early = new List<string>();
        foreach (BoundExpression conjunct in conjuncts.Where(c => ReadsOnlySlotZero(c)))
        {
            var writer = new ExpressionWriter(syntax, column);
            string sql = writer.Write(conjunct);
            if (writer.Problems.Count == 0)
            {
                early.Add($"({sql}) IS TRUE");
            }
        }

        return early.Count == 0 ? null : string.Join(" AND ", early);
    }

    private static bool ReadsOnlySlotZero(BoundExpression expression) => expression switch
    {
        BoundField field => field.Source == 0,
        BoundLiteral => true,
        BoundUnary unary => ReadsOnlySlotZero(unary.Operand),
        BoundBinary binary => ReadsOnlySlotZero(binary.Left) && ReadsOnlySlotZero(binary.Right),
        BoundLogical logical => logical.Operands.All(ReadsOnlySlotZero),
        BoundIsNull isNull => ReadsOnlySlotZero(isNull.Operand),
        BoundIn @in => ReadsOnlySlotZero(@in.Value) && @in.Items.All(ReadsOnlySlotZero),
        BoundLike like => ReadsOnlySlotZero(like.Value) && ReadsOnlySlotZero(like.Pattern),
        BoundCase @case => @case.Branches.All(b => ReadsOnlySlotZero(b.When) && ReadsOnlySlotZero(b.Then)) && (@case.Else is null || ReadsOnlySlotZero(@case.Else)),
        BoundCall call => call.Arguments.All(ReadsOnlySlotZero),
        BoundConvert convert => ReadsOnlySlotZero(convert.Operand),
        _ => false,
    };

    /// <summary>A slot's line and fields, read from the relation aliased <paramref name="alias"/>, named for the stages.</summary>
    private string SlotColumns(string dataset, DatasetSchema schema, string alias, int slot) =>
        string.Join(", ", schema.Fields.Select((f, i) => $"{alias}.{SqlSyntax.Quote(f.Name)} AS {Column(slot, i)}").Prepend($"{Line(dataset, alias)} AS re_l{slot}"));

    /// <summary>A slot's line and fields as a later stage carries them on.</summary>
    private static string Carry(DatasetSchema schema, int slot) =>
        string.Join(", ", schema.Fields.Select((_, i) => $"p.{Column(slot, i)}").Prepend($"p.re_l{slot}"));

    private static string Column(int slot, int field) => string.Create(CultureInfo.InvariantCulture, $"re_c{slot}_{field}");

    /// <summary>
    /// Whether a field's values are already in the engine's canonical key form: an ID number, credit code or case
    /// number in a table that <see cref="SqlTable.ValuesNormalised"/> declares normalised. Two such values are equal
    /// exactly when their normalised keys are.
    /// </summary>
    private bool Canonical(string dataset, FieldDefinition field) =>
        field.Type is FieldType.IdNumber or FieldType.CreditCode or FieldType.CaseNo && tables[dataset].ValuesNormalised;

    /// <summary>Whether a join key pair is two canonical fields of one type, which compare as they are.</summary>
    private bool CanonicalPair(CompiledRule rule, BoundExpression left, BoundExpression right, CompiledJoin join)
    {
        if (left is not BoundField l || right is not BoundField r || l.Field.Type != r.Field.Type)
        {
            return false;
        }

        string leftDataset = l.Source == 0 ? rule.Sources[0].Dataset : rule.Joins[l.Source - 1].Definition.Dataset;
        return Canonical(leftDataset, l.Field) && Canonical(join.Definition.Dataset, r.Field);
    }

    /// <summary>Key equality as the engine's join keys compare: text normalised (trimmed, width-folded, upper-cased, 15-digit ID numbers upgraded), other types by value.</summary>
    private string KeyEquals(string left, LanguageType leftType, string right, LanguageType rightType)
    {
        if (leftType == rightType && leftType != LanguageType.Text)
        {
            return $"{left} = {right}";
        }

        string text = syntax.CastType(LanguageType.Text);
        string Key(string value, LanguageType type) => syntax.Helper("re_key", type == LanguageType.Text ? value : $"CAST({value} AS {text})");
        return $"{Key(left, leftType)} = {Key(right, rightType)}";
    }
}
