namespace RuleEngine.Records;

/// <summary>Decimals read from a column of fixed scale (DuckDB's, Parquet's and Arrow's DECIMAL(p, s)).</summary>
internal static class DecimalScale
{
    /// <summary>The same value without the trailing zeros a fixed scale added: 1500.5000000000 becomes 1500.5.</summary>
    public static decimal WithoutTrailingZeros(decimal value) => value / 1.0000000000000000000000000000m;
}
