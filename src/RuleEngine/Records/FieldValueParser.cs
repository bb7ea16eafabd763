using System.Globalization;
using RuleEngine.ChineseData;
using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>Converts the text of one field (a CSV cell, a JSON string) into its typed slot. Invariant culture throughout.</summary>
internal static class FieldValueParser
{
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy/MM/dd", "yyyyMMdd", "yyyy-M-d", "yyyy/M/d", "yyyy.MM.dd", "yyyy年M月d日",
    ];

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy/MM/dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyy-MM-dd",
    ];

    private static readonly string[] YearMonthFormats =
    [
        "yyyy-MM", "yyyy-M", "yyyy/MM", "yyyy/M", "yyyyMM", "yyyy.MM", "yyyy.M", "yyyy年M月", "yyyy年MM月",
    ];

    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>Parses <paramref name="text"/> into field <paramref name="field"/>; empty text is NULL.</summary>
    /// <returns><see langword="null"/> on success, otherwise the code and message of the failure (never the value).</returns>
    public static (string Code, string Message)? TryWrite(Record record, int field, FieldDefinition definition, ReadOnlySpan<char> text, char arraySeparator)
    {
        if (text.IsEmpty)
        {
            return WriteNull(record, field, definition);
        }

        if (text.Contains('\uFFFD'))
        {
            return (DiagnosticIds.InvalidEncoding, $"Field '{definition.Name}' holds bytes that are not valid in the file's encoding.");
        }

        switch (definition.Type)
        {
            case FieldType.String:
                record.SetString(field, text.ToString());
                return null;
            case FieldType.IdNumber:
                record.SetString(field, IdNumber.Normalize(text));
                return null;
            case FieldType.CreditCode:
                record.SetString(field, CreditCode.Normalize(text.ToString()));
                return null;
            case FieldType.CaseNo:
                record.SetString(field, CaseNumber.Normalize(text.ToString()));
                return null;
            case FieldType.StringArray:
                record.SetArray(field, SplitArray(text, arraySeparator));
                return null;
        }

        ReadOnlySpan<char> trimmed = text.Trim();
        if (trimmed.IsEmpty)
        {
            return WriteNull(record, field, definition);
        }

        switch (definition.Type)
        {
            case FieldType.Int:
                if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long i32))
                {
                    return Invalid(definition, "an integer");
                }

                if (i32 is < int.MinValue or > int.MaxValue)
                {
                    return OutOfRange(definition);
                }

                record.SetInt64(field, i32);
                return null;
            case FieldType.Long:
                if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long i64))
                {
                    return IsAllDigitsWithSign(trimmed) ? OutOfRange(definition) : Invalid(definition, "an integer");
                }

                record.SetInt64(field, i64);
                return null;
            case FieldType.Decimal:
                if (!decimal.TryParse(trimmed, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal dec))
                {
                    return IsAllDigitsWithSign(trimmed) ? OutOfRange(definition) : Invalid(definition, "a decimal number");
                }

                record.SetDecimal(field, dec);
                return null;
            case FieldType.Double:
                if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double dbl))
                {
                    return Invalid(definition, "a number");
                }

                if (!double.IsFinite(dbl))
                {
                    return OutOfRange(definition);
                }

                record.SetDouble(field, dbl);
                return null;
            case FieldType.Bool:
                if (!TryParseBool(trimmed, out bool flag))
                {
                    return Invalid(definition, "true or false");
                }

                record.SetInt64(field, flag ? 1 : 0);
                return null;
            case FieldType.Date:
                if (!DateOnly.TryParseExact(trimmed, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
                {
                    return Invalid(definition, "a date (yyyy-MM-dd)");
                }

                record.SetInt64(field, date.DayNumber);
                return null;
            case FieldType.YearMonth:
                if (!TryParseYearMonth(trimmed, out DateOnly month))
                {
                    return Invalid(definition, "a year and month (yyyy-MM)");
                }

                record.SetInt64(field, month.DayNumber);
                return null;
            case FieldType.DateTime:
                if (!TryParseDateTime(trimmed, out DateTime dateTime))
                {
                    return Invalid(definition, "a date and time (yyyy-MM-dd HH:mm:ss)");
                }

                record.SetInt64(field, dateTime.Ticks);
                return null;
            default:
                return Invalid(definition, definition.Type.ToString());
        }
    }

    public static (string Code, string Message)? WriteNull(Record record, int field, FieldDefinition definition)
    {
        if (!definition.IsNullable)
        {
            return (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' is required but empty.");
        }

        record.SetNull(field);
        return null;
    }

    public static bool TryParseDateTime(ReadOnlySpan<char> text, out DateTime value)
    {
        if (DateTime.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
        {
            value = DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset withOffset))
        {
            value = DateTime.SpecifyKind(withOffset.ToOffset(ChinaStandardTime).DateTime, DateTimeKind.Unspecified);
            return true;
        }

        return false;
    }

    /// <summary>Parses a year and month into the date of the month's first day.</summary>
    public static bool TryParseYearMonth(ReadOnlySpan<char> text, out DateOnly value) =>
        DateOnly.TryParseExact(text.Trim(), YearMonthFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);

    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly value) =>
        DateOnly.TryParseExact(text.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);

    public static bool TryParseBool(ReadOnlySpan<char> text, out bool value)
    {
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text is "1" or "t" or "T" or "y" or "Y" or "是"
            || text.Equals("yes", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }

        if (text.Equals("false", StringComparison.OrdinalIgnoreCase) || text is "0" or "f" or "F" or "n" or "N" or "否"
            || text.Equals("no", StringComparison.OrdinalIgnoreCase))
        {
            value = false;
            return true;
        }

        value = false;
        return false;
    }

    private static string[] SplitArray(ReadOnlySpan<char> text, char separator)
    {
        int count = text.Count(separator) + 1;
        var items = new string[count];
        int index = 0;
        foreach (Range range in text.Split(separator))
        {
            items[index++] = text[range].Trim().ToString();
        }

        return items;
    }

    private static bool IsAllDigitsWithSign(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> digits = text.Length > 0 && text[0] is '-' or '+' ? text[1..] : text;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static (string Code, string Message) Invalid(FieldDefinition definition, string expected) =>
        (DiagnosticIds.InvalidValue, $"Field '{definition.Name}' is not {expected}.");

    private static (string Code, string Message) OutOfRange(FieldDefinition definition) =>
        (DiagnosticIds.ValueOutOfRange, $"Field '{definition.Name}' is outside the range of {definition.Type}.");
}
