using System.Globalization;

namespace RuleEngine.Sql;

/// <summary>
/// Where a dataset's records are in the database: a relation whose columns are named as the schema's fields, plus a
/// column that holds each record's line (its position in the original input), which clues cite and which keeps
/// clue identities equal to the in-process engine's.
/// </summary>
/// <param name="Dataset">The dataset's name in the rule set.</param>
/// <param name="Relation">SQL that names the relation: a table or view (<c>cases</c>, <c>"审判"."cases"</c>), or a table function such as DuckDB's <c>read_parquet('cases.parquet')</c>. It is host configuration and is used as written.</param>
public sealed record SqlTable(string Dataset, string Relation)
{
    /// <summary>Gets the column that holds each record's line.</summary>
    /// <value>The default is <c>_line</c>, as <see cref="SqlTableLoader"/> writes it.</value>
    public string LineColumn { get; init; } = "_line";

    /// <summary>
    /// A Parquet file (or glob) read in place by DuckDB, with columns named as the schema's fields; a record's line is
    /// its row number in the file, counted from 1 (as <c>RecordSource.Parquet</c> counts it).
    /// </summary>
    /// <param name="dataset">The dataset's name.</param>
    /// <param name="path">The file's path.</param>
    /// <returns>The table.</returns>
    public static SqlTable DuckDbParquet(string dataset, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string literal = "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
        return new SqlTable(dataset, string.Create(CultureInfo.InvariantCulture, $"(SELECT *, file_row_number + 1 AS _line FROM read_parquet({literal}, file_row_number = true))"));
    }
}
