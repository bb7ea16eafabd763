using System.Collections.Frozen;
using System.Reflection;
using static RuleEngine.Language.LanguageType;

namespace RuleEngine.Language;

/// <summary>The fixed, documented function library. Expressions can call nothing else.</summary>
internal static class FunctionLibrary
{
    private static readonly FrozenDictionary<string, FunctionDefinition[]> Functions = Build();

    public static IEnumerable<string> Names => Functions.Keys.Order(StringComparer.Ordinal);

    public static bool TryGet(string name, out FunctionDefinition[] overloads) => Functions.TryGetValue(name, out overloads!);

    private static FrozenDictionary<string, FunctionDefinition[]> Build()
    {
        var list = new List<FunctionDefinition>
        {
            F("length", [Text], Int, nameof(BuiltinFunctions.Length)),
            F("lower", [Text], Text, nameof(BuiltinFunctions.Lower)),
            F("upper", [Text], Text, nameof(BuiltinFunctions.Upper)),
            F("trim", [Text], Text, nameof(BuiltinFunctions.Trim)),
            F("nfkc", [Text], Text, nameof(BuiltinFunctions.Nfkc)),
            F("substr", [Text, Int], Text, nameof(BuiltinFunctions.Substr), typeof(string), typeof(long)),
            F("substr", [Text, Int, Int], Text, nameof(BuiltinFunctions.Substr), typeof(string), typeof(long), typeof(long)),
            F("contains", [Text, Text], Bool, nameof(BuiltinFunctions.Contains)),
            F("starts_with", [Text, Text], Bool, nameof(BuiltinFunctions.StartsWith)),
            F("ends_with", [Text, Text], Bool, nameof(BuiltinFunctions.EndsWith)),
            F("regexp_like", [Text, Text], Bool, nameof(BuiltinFunctions.RegexLike)) with { LiteralParameters = [1] },
            F("regexp_extract", [Text, Text], Text, nameof(BuiltinFunctions.RegexExtract), typeof(string), typeof(System.Text.RegularExpressions.Regex)) with { LiteralParameters = [1] },
            F("regexp_extract", [Text, Text, Int], Text, nameof(BuiltinFunctions.RegexExtract), typeof(string), typeof(System.Text.RegularExpressions.Regex), typeof(long)) with { LiteralParameters = [1] },

            F("abs", [Int], Int, nameof(BuiltinFunctions.AbsInt)),
            F("abs", [LanguageType.Decimal], LanguageType.Decimal, nameof(BuiltinFunctions.AbsDecimal)),
            F("abs", [LanguageType.Double], LanguageType.Double, nameof(BuiltinFunctions.AbsDouble)),
            F("round", [Int], Int, nameof(BuiltinFunctions.Identity)),
            F("round", [LanguageType.Decimal], LanguageType.Decimal, nameof(BuiltinFunctions.RoundDecimal)),
            F("round", [LanguageType.Double], LanguageType.Double, nameof(BuiltinFunctions.RoundDouble)),
            F("round", [LanguageType.Decimal, Int], LanguageType.Decimal, nameof(BuiltinFunctions.RoundDecimalTo)),
            F("round", [LanguageType.Double, Int], LanguageType.Double, nameof(BuiltinFunctions.RoundDoubleTo)),
            F("floor", [Int], Int, nameof(BuiltinFunctions.Identity)),
            F("floor", [LanguageType.Decimal], LanguageType.Decimal, nameof(BuiltinFunctions.FloorDecimal)),
            F("floor", [LanguageType.Double], LanguageType.Double, nameof(BuiltinFunctions.FloorDouble)),
            F("ceil", [Int], Int, nameof(BuiltinFunctions.Identity)),
            F("ceil", [LanguageType.Decimal], LanguageType.Decimal, nameof(BuiltinFunctions.CeilDecimal)),
            F("ceil", [LanguageType.Double], LanguageType.Double, nameof(BuiltinFunctions.CeilDouble)),
            new("coalesce", [], Null, null, FunctionKind.Coalesce),
            new("least", [], Null, null, FunctionKind.Least),
            new("greatest", [], Null, null, FunctionKind.Greatest),

            F("year", [Date], Int, nameof(BuiltinFunctions.Year)),
            F("month", [Date], Int, nameof(BuiltinFunctions.Month)),
            F("day", [Date], Int, nameof(BuiltinFunctions.Day)),
            F("year", [Timestamp], Int, nameof(BuiltinFunctions.YearOfTimestamp)),
            F("month", [Timestamp], Int, nameof(BuiltinFunctions.MonthOfTimestamp)),
            F("day", [Timestamp], Int, nameof(BuiltinFunctions.DayOfTimestamp)),
            F("date_add", [Date, Int], Date, nameof(BuiltinFunctions.DateAddDays)),
            F("date_add", [Date, Int, Text], Date, nameof(BuiltinFunctions.DateAdd)) with { LiteralParameters = [2] },
            F("days_between", [Date, Date], Int, nameof(BuiltinFunctions.DaysBetween)),
            F("months_between", [Date, Date], Int, nameof(BuiltinFunctions.MonthsBetween)),
            F("year_month", [Date], Date, nameof(BuiltinFunctions.YearMonth)),
            F("year_month", [Timestamp], Date, nameof(BuiltinFunctions.YearMonthOfTimestamp)),
            F("date", [Timestamp], Date, nameof(BuiltinFunctions.DateOfTimestamp)),
            F("age_at", [Date, Date], Int, nameof(BuiltinFunctions.AgeAt)),
            F("overlaps", [Date, Date, Date, Date], Bool, nameof(BuiltinFunctions.Overlaps)),

            F("array_contains", [TextArray, Text], Bool, nameof(BuiltinFunctions.ArrayContains)),
            F("array_length", [TextArray], Int, nameof(BuiltinFunctions.ArrayLength)),

            F("id_valid", [Text], Bool, nameof(BuiltinFunctions.IdValid)),
            F("id_birth_date", [Text], Date, nameof(BuiltinFunctions.IdBirthDate)),
            F("id_gender", [Text], Text, nameof(BuiltinFunctions.IdGender)),
            F("id_region", [Text], Text, nameof(BuiltinFunctions.IdRegion)),
            F("id_age_at", [Text, Date], Int, nameof(BuiltinFunctions.IdAgeAt)),
            F("credit_code_valid", [Text], Bool, nameof(BuiltinFunctions.CreditCodeValid)),
            F("case_no_year", [Text], Int, nameof(BuiltinFunctions.CaseNoYear)),
            F("case_no_court", [Text], Text, nameof(BuiltinFunctions.CaseNoCourt)),
            F("case_no_type", [Text], Text, nameof(BuiltinFunctions.CaseNoType)),
        };

        return list.GroupBy(f => f.Name, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    private static FunctionDefinition F(string name, LanguageType[] parameters, LanguageType result, string method, params Type[] clrParameters)
    {
        MethodInfo info = clrParameters.Length == 0
            ? typeof(BuiltinFunctions).GetMethod(method, BindingFlags.Public | BindingFlags.Static)!
            : typeof(BuiltinFunctions).GetMethod(method, BindingFlags.Public | BindingFlags.Static, clrParameters)!;
        return new FunctionDefinition(name, parameters, result, info);
    }
}
