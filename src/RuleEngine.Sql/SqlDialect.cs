namespace RuleEngine.Sql;

/// <summary>The SQL engines a rule set compiles for.</summary>
public enum SqlDialect
{
    /// <summary>DuckDB (embedded, through DuckDB.NET): tables, and CSV or Parquet files read in place.</summary>
    DuckDb,

    /// <summary>PostgreSQL 13 or later (through Npgsql).</summary>
    PostgreSql,
}
