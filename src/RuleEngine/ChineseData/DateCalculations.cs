namespace RuleEngine.ChineseData;

/// <summary>Calendar arithmetic as legal periods count it.</summary>
internal static class DateCalculations
{
    /// <summary>Whole years from <paramref name="from"/> to <paramref name="to"/> (an age); negative when <paramref name="to"/> is earlier.</summary>
    public static int FullYearsBetween(DateOnly from, DateOnly to) => FullMonthsBetween(from, to) / 12;

    /// <summary>
    /// Whole months from <paramref name="from"/> to <paramref name="to"/>. A month from day d ends on day d of the
    /// next month, or on that month's last day when it has no day d (31 January + 1 month = 29 February 2024).
    /// </summary>
    public static int FullMonthsBetween(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            return -FullMonthsBetween(to, from);
        }

        int months = ((to.Year - from.Year) * 12) + (to.Month - from.Month);
        if (months > 0 && from.AddMonths(months) > to)
        {
            months--;
        }

        return months;
    }
}
