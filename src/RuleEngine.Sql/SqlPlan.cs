using System.Data.Common;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Sql.Execution;
using RuleEngine.Sql.Planning;

namespace RuleEngine.Sql;

/// <summary>
/// A rule set compiled to the SQL of one dialect, over the tables that hold its datasets. Every dataset's rules
/// without joins share one scan; each join rule is one query. A derived dataset (a stage) is written by the run into a
/// table of its own, named <c>re_stage_…</c> and dropped at the end, once its deriving rule's query has run; the
/// queries that read it come after. A construct that the dialect cannot evaluate with the engine's meaning is an
/// RE7001 error in <see cref="Diagnostics"/>, and the plan does not run.
/// </summary>
/// <example>
/// <code>
/// SqlPlan plan = SqlPlan.Create(rules, SqlDialect.DuckDb, [SqlTable.DuckDbParquet("dui_cases", "dui_cases.parquet")]);
/// using var connection = new DuckDBConnection("DataSource=:memory:");
/// connection.Open();
/// RunSummary summary = await plan.RunAsync(connection, sink);
/// </code>
/// </example>
public sealed class SqlPlan
{
    private readonly SqlSyntax _syntax;
    private readonly List<PlannedQuery> _queries;
    private readonly Dictionary<string, SqlTable> _tables;
    private readonly RuleSet _rules;

    private SqlPlan(RuleSet rules, SqlSyntax syntax, List<PlannedQuery> queries, Dictionary<string, SqlTable> tables, IReadOnlyList<Diagnostic> diagnostics)
    {
        _rules = rules;
        _syntax = syntax;
        _queries = queries;
        _tables = tables;
        Diagnostics = diagnostics;
        Queries = [.. queries.Select(q => new SqlQuery(q.Primary.Schema.Name, [.. q.Rules.Select(r => r.Definition.Id)], q.Text))];
    }

    /// <summary>Gets the dialect the plan is written in.</summary>
    public SqlDialect Dialect => _syntax.Dialect;

    /// <summary>Gets the queries, in the order they run.</summary>
    public IReadOnlyList<SqlQuery> Queries { get; }

    /// <summary>Gets what planning found: RE7001 (not pushable) and RE7002 (no table) are errors.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Gets the statements that define the plan's helper functions (key normalisation, ID-number checks, legal months); each run executes them first.</summary>
    public IReadOnlyList<string> Prelude => _syntax.Prelude;

    /// <summary>Compiles a rule set for a dialect.</summary>
    /// <param name="rules">The compiled rule set.</param>
    /// <param name="dialect">The SQL engine.</param>
    /// <param name="tables">Where each input dataset the rules read is; one per dataset (none for a derived one).</param>
    /// <returns>The plan, with its diagnostics.</returns>
    /// <exception cref="ArgumentException">Two tables name the same dataset, or a table names a derived dataset.</exception>
    public static SqlPlan Create(RuleSet rules, SqlDialect dialect, IEnumerable<SqlTable> tables)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(tables);
        var byDataset = new Dictionary<string, SqlTable>(StringComparer.Ordinal);
        foreach (SqlTable table in tables)
        {
            if (!byDataset.TryAdd(table.Dataset, table))
            {
                throw new ArgumentException($"Dataset '{table.Dataset}' has two tables.", nameof(tables));
            }
        }

        // A derived dataset's records are the engine's, written by the run into a table of its own; its readers query that.
        string run = Guid.NewGuid().ToString("N")[..12];
        foreach (string name in rules.Datasets.Keys.Where(n => rules.Compiled(n).DerivedBy is not null).Order(StringComparer.Ordinal))
        {
            if (byDataset.ContainsKey(name))
            {
                throw new ArgumentException($"Dataset '{name}' is derived by rule '{rules.Compiled(name).DerivedBy}' during the run; give the tables of what it is derived from instead.", nameof(tables));
            }

            byDataset.Add(name, new SqlTable(name, $"re_stage_{run}_{byDataset.Count}") { ValuesNormalised = true });
        }

        SqlSyntax syntax = SqlSyntax.For(dialect);
        var diagnostics = new DiagnosticBag();
        List<PlannedQuery> queries = new QueryPlanner(syntax, byDataset, diagnostics).Plan(rules);
        return new SqlPlan(rules, syntax, queries, byDataset, diagnostics.Items);
    }

    /// <summary>
    /// Runs the plan on an open connection (DuckDB.NET's or Npgsql's), handing every clue to <paramref name="sink"/>.
    /// Clues are the in-process engine's for the same records: the same subjects, evidence, masking and fingerprints;
    /// they come query by query, each query's in input order.
    /// </summary>
    /// <param name="connection">An open connection to the database that holds the tables.</param>
    /// <param name="sink">Receives the clues.</param>
    /// <param name="options">Fingerprint key, masking, the bad-record policy; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>
    /// The run's summary: records per dataset (evaluated and joined), clues per rule, rejections. A record that
    /// rules of more than one query matched (a record rule and a join rule) counts once per query in
    /// <see cref="RunSummary.RecordsMatched"/>.
    /// </returns>
    /// <exception cref="RuleCompilationException">The plan has errors (<see cref="Diagnostics"/>).</exception>
    /// <exception cref="SqlRunException">The database failed a query (RE7003).</exception>
    /// <exception cref="BadRecordLimitExceededException">More rows failed than the bad-record policy allows.</exception>
    public Task<RunSummary> RunAsync(DbConnection connection, IClueSink sink, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(sink);
        if (Diagnostics.Any(d => d.IsError))
        {
            throw new RuleCompilationException(Diagnostics);
        }

        var runner = new SqlRunner(_syntax, _queries, _tables, options ?? new RunOptions());
        return runner.RunAsync(connection, sink, _rules.Rules.Select(r => r.Id), cancellationToken);
    }
}
