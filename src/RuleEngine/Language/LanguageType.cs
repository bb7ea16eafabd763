using RuleEngine.Schema;

namespace RuleEngine.Language;

/// <summary>The types of the condition language. Schema types map onto them (ID numbers are text, int and long are integers).</summary>
internal enum LanguageType
{
    Error,
    Null,
    Bool,
    Int,
    Decimal,
    Double,
    Text,
    Date,
    Timestamp,
    TextArray,
}

internal static class LanguageTypes
{
    public static LanguageType Of(FieldType type) => type switch
    {
        FieldType.Int or FieldType.Long => LanguageType.Int,
        FieldType.Decimal => LanguageType.Decimal,
        FieldType.Double => LanguageType.Double,
        FieldType.Bool => LanguageType.Bool,
        FieldType.Date or FieldType.YearMonth => LanguageType.Date,
        FieldType.DateTime => LanguageType.Timestamp,
        FieldType.StringArray => LanguageType.TextArray,
        _ => LanguageType.Text,
    };

    public static bool IsNumeric(this LanguageType type) => type is LanguageType.Int or LanguageType.Decimal or LanguageType.Double;

    /// <summary>The CLR type a value of this language type has in compiled code: nullable, dates as day numbers, timestamps as ticks.</summary>
    public static Type ClrType(this LanguageType type) => type switch
    {
        LanguageType.Bool or LanguageType.Null or LanguageType.Error => typeof(bool?),
        LanguageType.Int => typeof(long?),
        LanguageType.Decimal => typeof(decimal?),
        LanguageType.Double => typeof(double?),
        LanguageType.Date => typeof(int?),
        LanguageType.Timestamp => typeof(long?),
        LanguageType.TextArray => typeof(string[]),
        _ => typeof(string),
    };

    public static string Display(this LanguageType type) => type switch
    {
        LanguageType.Int => "integer",
        LanguageType.Decimal => "decimal",
        LanguageType.Double => "double",
        LanguageType.Bool => "boolean",
        LanguageType.Text => "text",
        LanguageType.Date => "date",
        LanguageType.Timestamp => "timestamp",
        LanguageType.TextArray => "text array",
        LanguageType.Null => "NULL",
        _ => "error",
    };

    /// <summary>The type's name with its article, for messages: "an integer", "a date".</summary>
    public static string WithArticle(this LanguageType type) => type is LanguageType.Int or LanguageType.Error ? "an " + type.Display() : "a " + type.Display();

    /// <summary>Whether a value of <paramref name="from"/> may be used where <paramref name="to"/> is expected without a CAST.</summary>
    public static bool ConvertsImplicitly(LanguageType from, LanguageType to) =>
        from == to || from == LanguageType.Null || from == LanguageType.Error || to == LanguageType.Error || (from, to) switch
        {
            (LanguageType.Int, LanguageType.Decimal) => true,
            (LanguageType.Int, LanguageType.Double) => true,
            (LanguageType.Decimal, LanguageType.Double) => true,
            (LanguageType.Date, LanguageType.Timestamp) => true,
            _ => false,
        };

    /// <summary>The type both operands convert to, or <see langword="null"/> when they have none.</summary>
    public static LanguageType? Common(LanguageType a, LanguageType b)
    {
        if (ConvertsImplicitly(a, b))
        {
            return b == LanguageType.Null ? a : b;
        }

        return ConvertsImplicitly(b, a) ? a : null;
    }
}
