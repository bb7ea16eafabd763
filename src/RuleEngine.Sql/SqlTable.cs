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
    /// Gets a value indicating whether the relation's ID-number, credit-code and case-number columns hold the engine's
    /// normalised form, as tables written by <see cref="SqlTableLoader"/> (and files exported from them) do. Join and
    /// window keys between two such columns then compare as they are, instead of through the key normalisation, which
    /// lets the database use plain hash joins on them.
    /// </summary>
    /// <value>The default is <see langword="false"/>: values are normalised in every comparison of keys.</value>
    public bool ValuesNormalised { get; init; }

    /// <summary>
    /// A Parquet file (or glob) read in place by DuckDB, with columns named as the schema's fields. Each record's line
    /// is the file's <c>_line</c> column (as an export of a <see cref="SqlTableLoader"/> table, or of any source, holds
    /// it), or, with <paramref name="linesInFile"/> false, its row number in the file counted from 1 — the lines
    /// <c>RuleEngine.Columnar</c> gives the same file, so both runs cite the same lines.
    /// </summary>
    /// <param name="dataset">The dataset's name.</param>
    /// <param name="path">The file's path, or a glob (<c>/data/cases/*.parquet</c>).</param>
    /// <param name="linesInFile">Whether the file has a <c>_line</c> column.</param>
    /// <returns>The table.</returns>
    public static SqlTable DuckDbParquet(string dataset, string path, bool linesInFile = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string literal = "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
        return linesInFile
            ? new SqlTable(dataset, $"read_parquet({literal})")
            : new SqlTable(dataset, string.Create(CultureInfo.InvariantCulture, $"(SELECT *, file_row_number + 1 AS re_row_number FROM read_parquet({literal}, file_row_number = true))")) { LineColumn = "re_row_number" };
    }
}
