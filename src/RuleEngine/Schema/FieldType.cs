namespace RuleEngine.Schema;

/// <summary>The type of a dataset field. Every field is nullable unless declared otherwise.</summary>
public enum FieldType
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A 32-bit integer.</summary>
    Int,

    /// <summary>A 64-bit integer.</summary>
    Long,

    /// <summary>An exact decimal number (amounts in 元).</summary>
    Decimal,

    /// <summary>A binary floating-point number (measurements).</summary>
    Double,

    /// <summary>True or false.</summary>
    Bool,

    /// <summary>A calendar date without time (a legal date).</summary>
    Date,

    /// <summary>A date and time of day, in China Standard Time wall-clock time.</summary>
    DateTime,

    /// <summary>
    /// A citizen ID number (公民身份号码, GB 11643): normalised to 18 characters on input
    /// (full-width digits folded, lower-case x upper-cased, 15-digit legacy numbers upgraded). Personal data.
    /// </summary>
    IdNumber,

    /// <summary>A unified social credit code (统一社会信用代码, GB 32100), normalised to upper case.</summary>
    CreditCode,

    /// <summary>A court case number (案号); brackets are normalised to full-width.</summary>
    CaseNo,

    /// <summary>A list of texts (several defendants, several charges).</summary>
    StringArray,

    /// <summary>
    /// A calendar month (a tax period, a payroll month): read from <c>2024-03</c>, <c>2024/3</c>, <c>202403</c> or
    /// <c>2024年3月</c>, shown as <c>2024-03</c>. In conditions it is the date of the month's first day, so it compares
    /// with dates and works with the date functions; <c>add_months</c> and <c>months_between</c> count in months.
    /// </summary>
    YearMonth,
}
