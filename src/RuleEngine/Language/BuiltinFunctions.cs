using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RuleEngine.ChineseData;
using RuleEngine.Records;

namespace RuleEngine.Language;

/// <summary>
/// The implementations behind the function library. Arguments arrive non-NULL, in the compiled
/// representation: integers as <c>long</c>, dates as day numbers, timestamps as ticks.
/// </summary>
internal static class BuiltinFunctions
{
    public static long Length(string s)
    {
        long count = 0;
        foreach (Rune _ in s.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    public static string Lower(string s) => s.ToLowerInvariant();

    public static string Upper(string s) => s.ToUpperInvariant();

    public static string Trim(string s) => s.Trim();

    public static string Nfkc(string s) => s.Normalize(NormalizationForm.FormKC);

    /// <summary>SQL <c>substr</c> by code point, 1-based; a start of 0 or below counts as DuckDB does.</summary>
    public static string Substr(string s, long start) => Substr(s, start, long.MaxValue / 4);

    public static string Substr(string s, long start, long length)
    {
        if (length <= 0)
        {
            return string.Empty;
        }

        Rune[] runes = [.. s.EnumerateRunes()];
        long n = runes.Length;
        long from = start > 0 ? start - 1 : start == 0 ? -1 : n + start;
        long to = from + length;
        from = Math.Max(from, 0);
        to = Math.Min(to, n);
        if (from >= to)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        for (long i = from; i < to; i++)
        {
            builder.Append(runes[i].ToString());
        }

        return builder.ToString();
    }

    public static bool Contains(string s, string part) => s.Contains(part, StringComparison.Ordinal);

    public static bool StartsWith(string s, string prefix) => s.StartsWith(prefix, StringComparison.Ordinal);

    public static bool EndsWith(string s, string suffix) => s.EndsWith(suffix, StringComparison.Ordinal);

    public static bool RegexLike(string s, Regex regex) => regex.IsMatch(s);

    public static string? RegexExtract(string s, Regex regex) => RegexExtract(s, regex, 0);

    public static string? RegexExtract(string s, Regex regex, long group)
    {
        Match match = regex.Match(s);
        if (!match.Success || group < 0 || group >= match.Groups.Count)
        {
            return null;
        }

        Group g = match.Groups[(int)group];
        return g.Success ? g.Value : null;
    }

    public static long AbsInt(long value) => value == long.MinValue ? throw new OverflowException() : Math.Abs(value);

    public static decimal AbsDecimal(decimal value) => Math.Abs(value);

    public static double AbsDouble(double value) => Math.Abs(value);

    public static long Identity(long value) => value;

    public static decimal RoundDecimal(decimal value) => Math.Round(value, MidpointRounding.AwayFromZero);

    public static double RoundDouble(double value) => Math.Round(value, MidpointRounding.AwayFromZero);

    public static decimal RoundDecimalTo(decimal value, long digits) =>
        digits >= 0 ? Math.Round(value, (int)Math.Min(digits, 28), MidpointRounding.AwayFromZero) : RoundToTens(value, digits);

    public static double RoundDoubleTo(double value, long digits)
    {
        if (digits >= 0)
        {
            return Math.Round(value, (int)Math.Min(digits, 15), MidpointRounding.AwayFromZero);
        }

        double scale = Math.Pow(10, -digits);
        return Math.Round(value / scale, MidpointRounding.AwayFromZero) * scale;
    }

    public static decimal FloorDecimal(decimal value) => Math.Floor(value);

    public static double FloorDouble(double value) => Math.Floor(value);

    public static decimal CeilDecimal(decimal value) => Math.Ceiling(value);

    public static double CeilDouble(double value) => Math.Ceiling(value);

    public static long Year(int day) => DateOnly.FromDayNumber(day).Year;

    public static long Month(int day) => DateOnly.FromDayNumber(day).Month;

    public static long Day(int day) => DateOnly.FromDayNumber(day).Day;

    public static long YearOfTimestamp(long ticks) => new DateTime(ticks).Year;

    public static long MonthOfTimestamp(long ticks) => new DateTime(ticks).Month;

    public static long DayOfTimestamp(long ticks) => new DateTime(ticks).Day;

    public static int DateAddDays(int day, long days) => checked((int)(day + days)) is var result && result is >= 0 and <= 3652058
        ? result
        : throw new OverflowException();

    public static int DateAdd(int day, long amount, string unit)
    {
        DateOnly date = DateOnly.FromDayNumber(day);
        try
        {
            return unit switch
            {
                "day" => DateAddDays(day, amount),
                "month" => date.AddMonths(checked((int)amount)).DayNumber,
                _ => date.AddYears(checked((int)amount)).DayNumber,
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new OverflowException();
        }
    }

    public static long DaysBetween(int from, int to) => (long)to - from;

    /// <summary>The month of a date, as the date of its first day (a year_month value).</summary>
    public static int YearMonth(int day) => YearMonths.Start(day);

    public static int YearMonthOfTimestamp(long ticks) => YearMonths.Start(DateOfTimestamp(ticks));

    public static int DateOfTimestamp(long ticks) => (int)(ticks / TimeSpan.TicksPerDay);

    public static long MonthsBetween(int from, int to) => DateCalculations.FullMonthsBetween(DateOnly.FromDayNumber(from), DateOnly.FromDayNumber(to));

    public static long AgeAt(int birth, int at) => DateCalculations.FullYearsBetween(DateOnly.FromDayNumber(birth), DateOnly.FromDayNumber(at));

    /// <summary>Whether two closed date intervals share a day.</summary>
    public static bool Overlaps(int aStart, int aEnd, int bStart, int bEnd) => aStart <= bEnd && bStart <= aEnd;

    public static bool ArrayContains(string[] items, string value) => Array.IndexOf(items, value) >= 0;

    public static long ArrayLength(string[] items) => items.Length;

    public static bool IdValid(string id) => IdNumber.IsValid(id);

    public static int? IdBirthDate(string id) => IdNumber.TryGetBirthDate(id, out DateOnly birth) ? birth.DayNumber : null;

    public static string? IdGender(string id) => IdNumber.GetGender(id);

    public static string? IdRegion(string id) => IdNumber.GetRegion(id);

    public static long? IdAgeAt(string id, int day) => IdNumber.GetAgeAt(id, DateOnly.FromDayNumber(day));

    public static bool CreditCodeValid(string code) => CreditCode.IsValid(code);

    public static long? CaseNoYear(string caseNo) => CaseNumber.TryParse(caseNo, out int year, out _, out _, out _) ? year : null;

    public static string? CaseNoCourt(string caseNo) => CaseNumber.TryParse(caseNo, out _, out string court, out _, out _) ? court : null;

    public static string? CaseNoType(string caseNo) => CaseNumber.TryParse(caseNo, out _, out _, out string type, out _) ? type : null;

    public static string FormatDate(int day) => DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string FormatTimestamp(long ticks) => new DateTime(ticks).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.');

    private static decimal RoundToTens(decimal value, long digits)
    {
        decimal scale = 1;
        for (long i = 0; i < Math.Min(-digits, 28); i++)
        {
            scale *= 10;
        }

        return Math.Round(value / scale, MidpointRounding.AwayFromZero) * scale;
    }
}
