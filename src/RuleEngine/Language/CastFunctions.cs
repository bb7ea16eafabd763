using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Records;

namespace RuleEngine.Language;

/// <summary>Explicit CAST conversions on non-NULL values; failures raise <see cref="EvaluationException"/> with RE4003.</summary>
internal static class CastFunctions
{
    public static long DoubleToInt(double value)
    {
        double rounded = Math.Round(value, MidpointRounding.AwayFromZero);
        return rounded is >= -9.2233720368547758E18 and < 9.2233720368547758E18 ? (long)rounded : throw new OverflowException();
    }

    public static long DecimalToInt(decimal value)
    {
        decimal rounded = Math.Round(value, MidpointRounding.AwayFromZero);
        return rounded is >= long.MinValue and <= long.MaxValue ? (long)rounded : throw new OverflowException();
    }

    public static decimal DoubleToDecimal(double value) =>
        double.IsFinite(value) && Math.Abs(value) < 7.9e28 ? (decimal)value : throw new OverflowException();

    public static long TextToInt(string text) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Invalid("an integer");

    public static decimal TextToDecimal(string text) =>
        decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal value) ? value : throw Invalid("a decimal number");

    public static double TextToDouble(string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : throw Invalid("a number");

    public static bool TextToBool(string text) => FieldValueParser.TryParseBool(text.Trim(), out bool value) ? value : throw Invalid("true or false");

    public static int TextToDate(string text) => FieldValueParser.TryParseDate(text, out DateOnly value) ? value.DayNumber : throw Invalid("a date");

    public static long TextToTimestamp(string text) => FieldValueParser.TryParseDateTime(text.Trim(), out DateTime value) ? value.Ticks : throw Invalid("a timestamp");

    public static string IntToText(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string DecimalToText(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static string DoubleToText(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string BoolToText(bool value) => value ? "true" : "false";

    private static EvaluationException Invalid(string what) => new(DiagnosticIds.InvalidCast, $"CAST failed: the text is not {what}.");
}
