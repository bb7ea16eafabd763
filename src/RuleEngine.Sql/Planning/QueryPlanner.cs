using System.Globalization;
using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Sql.Planning;

/// <summary>
/// Turns a compiled rule set into queries. Per dataset: one scan evaluates every rule without joins (record rules,
/// script rules' conditions, window rules' filters narrowed to keys that can reach the threshold); each join rule is
/// one query in which joins are lateral subqueries that pick the match the engine picks. What cannot be written with
/// the engine's meaning becomes an RE7001 diagnostic.
/// </summary>
internal sealed class QueryPlanner(SqlSyntax syntax, IReadOnlyDictionary<string, SqlTable> tables, DiagnosticBag diagnostics)
{
    private const string LineAlias = "re_line";

    public List<PlannedQuery> Plan(RuleSet rules)
    {
        var queries = new List<PlannedQuery>();
        foreach (string name in rules.Datasets.Keys.Order(StringComparer.Ordinal))
        {
            CompiledDataset dataset = rules.Compiled(name);
            if (dataset.Rules.Length == 0)
            {
                continue;
            }

            if (Table(name, dataset.Rules[0]) is null)
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

        return queries;
    }

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
        bool ok = true;
        foreach (CompiledRule rule in rules)
        {
            string? condition = Condition(rule, alias);
            if (condition is null)
            {
                ok = false;
                continue;
            }

            if (rule.Window is { } window && WindowNarrowing(dataset, rule, window) is { } narrowing)
            {
                condition = $"({condition} AND {narrowing})";
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

        sql.Append(" FROM ").Append(From(dataset.Schema.Name, alias));
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
    /// out in SQL; the episodes themselves are formed by the engine's window processor over the rows returned.
    /// </summary>
    private string? WindowNarrowing(CompiledDataset dataset, CompiledRule rule, CompiledWindow window)
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

        string group = SqlSyntax.Quote(dataset.Schema.Fields[window.GroupField].Name);
        string exclusion = Excluded(dataset, inner);
        return string.Create(CultureInfo.InvariantCulture, $"{syntax.Helper("re_key", $"CAST(s0.{group} AS {syntax.CastType(LanguageType.Text)})")} IN (SELECT {syntax.Helper("re_key", $"CAST({inner}.{group} AS {syntax.CastType(LanguageType.Text)})")} FROM {From(dataset.Schema.Name, inner)} WHERE {exclusion}({condition}) IS TRUE GROUP BY 1 HAVING count(*) >= {minimum})");
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

    private PlannedQuery? Join(CompiledDataset dataset, CompiledRule rule)
    {
        var nullSlots = new HashSet<int>(rule.Joins.Where(j => j.Definition.Kind == JoinKind.NotExists).Select(j => j.Source));
        string Column(BoundField f) => nullSlots.Contains(f.Source)
            ? $"CAST(NULL AS {syntax.CastType(f.Type)})"
            : $"s{f.Source}.{SqlSyntax.Quote(f.Field.Name)}";

        var from = new StringBuilder(From(dataset.Schema.Name, "s0"));
        var where = new List<string>();
        bool ok = true;
        foreach (CompiledJoin join in rule.Joins)
        {
            if (Table(join.Definition.Dataset, rule) is null)
            {
                ok = false;
                continue;
            }

            string alias = $"s{join.Source}";
            var match = new List<string>();
            foreach ((BoundExpression left, BoundExpression right) in join.KeyExpressions)
            {
                string? l = Write(left, rule, null, null, join.Definition.Location, Column);
                string? r = Write(right, rule, null, null, join.Definition.Location, f => $"{alias}.{SqlSyntax.Quote(f.Field.Name)}");
                if (l is null || r is null)
                {
                    ok = false;
                    continue;
                }

                match.Add(KeyEquals(l, left.Type, r, right.Type));
            }

            if (join.WhereExpression is { } whereExpression)
            {
                // Inside the join, this join's own slot is a real row, even for not_exists.
                string? condition = Write(whereExpression, rule, join.Definition.Where, join.Definition.WhereSource, join.Definition.Location, f => f.Source == join.Source ? $"{alias}.{SqlSyntax.Quote(f.Field.Name)}" : Column(f));
                if (condition is null)
                {
                    ok = false;
                    continue;
                }

                match.Add($"({condition}) IS TRUE");
            }

            string matches = match.Count == 0 ? "TRUE" : string.Join(" AND ", match);
            string line = Line(join.Definition.Dataset, alias);
            string relation = From(join.Definition.Dataset, alias);
            switch (join.Definition.Kind, join.Definition.Match)
            {
                case (JoinKind.NotExists, _):
                    where.Add($"NOT EXISTS (SELECT 1 FROM {relation} WHERE {matches})");
                    break;
                case (JoinKind.Inner or JoinKind.Left, JoinMatch.All):
                    from.Append(join.Definition.Kind == JoinKind.Left ? " LEFT JOIN " : " JOIN ").Append(relation).Append(" ON ").Append(matches);
                    break;
                default:
                    string order = join.Definition.Match == JoinMatch.Latest && join.LatestField >= 0
                        ? $"{alias}.{SqlSyntax.Quote(join.Layout.Schema.Fields[join.LatestField].Name)} DESC NULLS LAST, {line}"
                        : line;
                    from.Append(join.Definition.Kind == JoinKind.Left ? " LEFT JOIN LATERAL " : " JOIN LATERAL ")
                        .Append(CultureInfo.InvariantCulture, $"(SELECT * FROM {relation} WHERE {matches} ORDER BY {order} LIMIT 1) AS {alias} ON TRUE");
                    break;
            }
        }

        string? condition0 = Write(rule.Condition, rule, rule.Definition.Condition, rule.Definition.ConditionSource, rule.Definition.Location, Column);
        if (!ok || condition0 is null)
        {
            return null;
        }

        bool[] read = [true, .. rule.Joins.Select(j => !nullSlots.Contains(j.Source))];
        var sql = new StringBuilder("SELECT ");
        var order0 = new List<string>();
        for (int slot = 0; slot < read.Length; slot++)
        {
            if (!read[slot])
            {
                continue;
            }

            string slotDataset = slot == 0 ? dataset.Schema.Name : rule.Joins[slot - 1].Definition.Dataset;
            DatasetSchema schema = slot == 0 ? dataset.Schema : rule.Joins[slot - 1].Layout.Schema;
            sql.Append(slot == 0 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture, $"{Line(slotDataset, $"s{slot}")} AS l{slot}");
            AppendFields(sql, schema, $"s{slot}", slot);
            order0.Add($"l{slot}");
        }

        sql.Append(" FROM ").Append(from);
        sql.Append(" WHERE ").Append(Excluded(dataset, "s0"));
        foreach (string clause in where)
        {
            sql.Append(clause).Append(" AND ");
        }

        sql.Append('(').Append(condition0).Append(") IS TRUE");
        sql.Append(" ORDER BY ").Append(string.Join(", ", order0.Select(o => o + " NULLS FIRST")));
        return new PlannedQuery { Shape = QueryShape.Join, Primary = dataset, Rules = [rule], Text = sql.ToString(), SlotsRead = read };
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
