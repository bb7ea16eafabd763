using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>Which typed array of a <see cref="Record"/> holds a field.</summary>
internal enum StorageKind : byte
{
    /// <summary>int, long, bool (0/1), date (day number), datetime (ticks).</summary>
    Int64,
    Double,
    Decimal,
    String,
    StringArray,
}

internal static class StorageKinds
{
    public static StorageKind Of(FieldType type) => type switch
    {
        FieldType.Int or FieldType.Long or FieldType.Bool or FieldType.Date or FieldType.DateTime or FieldType.YearMonth => StorageKind.Int64,
        FieldType.Double => StorageKind.Double,
        FieldType.Decimal => StorageKind.Decimal,
        FieldType.StringArray => StorageKind.StringArray,
        _ => StorageKind.String,
    };
}
