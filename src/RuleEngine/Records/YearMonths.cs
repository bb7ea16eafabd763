using System.Globalization;

namespace RuleEngine.Records;

/// <summary>
/// Calendar months as the engine holds them: the date of the month's first day (a <see cref="Schema.FieldType.YearMonth"/>
/// field's value, the result of <c>year_month(x)</c>), and their month index for month arithmetic.
/// </summary>
internal static class YearMonths
{
    /// <summary>The first day of the month of <paramref name="date"/>.</summary>
    public static DateOnly Start(DateOnly date) => new(date.Year, date.Month, 1);

    /// <summary>The first day of the month of a day number, as a day number.</summary>
    public static int Start(int dayNumber) => Start(DateOnly.FromDayNumber(dayNumber)).DayNumber;

    /// <summary>Months since the start of year 1: consecutive months have consecutive indexes.</summary>
    public static int Index(int dayNumber)
    {
        DateOnly date = DateOnly.FromDayNumber(dayNumber);
        return (date.Year * 12) + date.Month - 1;
    }

    /// <summary>The day number of the first day of the month with index <paramref name="index"/>.</summary>
    public static int FromIndex(int index) => new DateOnly(index / 12, (index % 12) + 1, 1).DayNumber;

    /// <summary>A month as it is shown: <c>2024-03</c>.</summary>
    public static string Format(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
