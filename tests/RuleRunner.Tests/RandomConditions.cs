using System.Globalization;
using System.Text;

namespace RuleRunner.Tests;

/// <summary>
/// Random conditions over the drunk-driving dataset (text, number, Boolean and date fields), from a grammar: the
/// language's comparisons, IN, BETWEEN, LIKE, IS NULL, text and date functions, nested AND, OR and NOT, with values
/// drawn from the data itself so that conditions split the records rather than being all true or all false.
/// </summary>
internal sealed class RandomConditions(int seed, IReadOnlyDictionary<string, string[]> values)
{
    private static readonly string[] TextFields = ["person_id", "name", "case_no", "subtype", "disposition", "licence_status"];
    private static readonly string[] DateFields = ["effective_date", "licence_status_date"];

    private readonly Random _random = new(seed);

    /// <summary>Reads the values of each column of a CSV file without quotes, by the dataset's field order.</summary>
    public static Dictionary<string, string[]> ValuesOf(string csv, IReadOnlyList<string> fields)
    {
        string[][] rows = [.. File.ReadLines(csv).Skip(1).Select(l => l.Split(','))];
        return fields.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => rows.Select(r => r[x.i]).Where(v => v.Length > 0).Distinct().ToArray());
    }

    public string Next(int depth = 0)
    {
        int choice = depth >= 3 ? 0 : _random.Next(10);
        return choice switch
        {
            < 5 => Leaf(),
            < 7 => $"{Next(depth + 1)} AND {Next(depth + 1)}",
            < 9 => $"({Next(depth + 1)} OR {Next(depth + 1)})",
            _ => $"NOT ({Next(depth + 1)})",
        };
    }

    private string Leaf() => _random.Next(4) switch
    {
        0 => TextLeaf(Pick(TextFields)),
        1 => NumberLeaf(),
        2 => BoolLeaf(),
        _ => DateLeaf(Pick(DateFields)),
    };

    private string TextLeaf(string field)
    {
        string value = Value(field);
        return _random.Next(10) switch
        {
            0 => $"{field} = {Quote(value)}",
            1 => $"{field} <> {Quote(value)}",
            2 => $"{field} IN ({Quote(value)}, {Quote(Value(field))})",
            3 => $"{field} NOT IN ({Quote(value)})",
            4 => $"{field} IS {(_random.Next(2) == 0 ? "NOT " : string.Empty)}NULL",
            5 => $"contains({field}, {Quote(Part(value))})",
            6 => $"starts_with({field}, {Quote(value[..Math.Min(value.Length, 1 + _random.Next(4))])})",
            7 => $"{field} LIKE {Quote("%" + Part(value) + "%")}",
            8 => $"length({field}) {Compare()} {value.Length}",
            _ => $"ends_with({field}, {Quote(value[^Math.Min(value.Length, 1 + _random.Next(3))..])})",
        };
    }

    private string NumberLeaf()
    {
        decimal a = decimal.Parse(Value("bac"), CultureInfo.InvariantCulture);
        decimal b = decimal.Parse(Value("bac"), CultureInfo.InvariantCulture);
        string n = Format(a);
        return _random.Next(6) switch
        {
            0 => $"bac {Compare()} {n}",
            1 => $"bac BETWEEN {Format(Math.Min(a, b))} AND {Format(Math.Max(a, b))}",
            2 => $"bac NOT BETWEEN {Format(Math.Min(a, b))} AND {Format(Math.Max(a, b))}",
            3 => $"bac * 2 {Compare()} {Format(a + b)}",
            4 => $"round(bac) = {Format(Math.Round(a))}",
            _ => $"bac IS {(_random.Next(2) == 0 ? "NOT " : string.Empty)}NULL",
        };
    }

    private string BoolLeaf() => _random.Next(4) switch
    {
        0 => "operating_vehicle",
        1 => "NOT operating_vehicle",
        2 => "operating_vehicle = false",
        _ => "operating_vehicle IS NULL",
    };

    private string DateLeaf(string field)
    {
        string date = Value(field);
        return _random.Next(6) switch
        {
            0 => $"{field} {Compare()} DATE '{date}'",
            1 => $"{field} BETWEEN DATE '{date}' AND DATE '{DateOnly.Parse(date, CultureInfo.InvariantCulture).AddDays(_random.Next(400)):yyyy-MM-dd}'",
            2 => $"days_between(effective_date, licence_status_date) {Compare()} {_random.Next(-5, 60)}",
            3 => $"year_month({field}) = year_month(DATE '{date}')",
            4 => $"{field} IS {(_random.Next(2) == 0 ? "NOT " : string.Empty)}NULL",
            _ => $"date_add({field}, {_random.Next(1, 13)}, 'month') > DATE '{date}'",
        };
    }

    private string Compare() => Pick(["=", "<>", "<", "<=", ">", ">="]);

    private string Value(string field) => values[field].Length == 0 ? "x" : values[field][_random.Next(values[field].Length)];

    private string Part(string value)
    {
        int start = _random.Next(value.Length);
        return value.Substring(start, Math.Min(value.Length - start, 1 + _random.Next(3)));
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A model file with one rule per condition, R1 … Rn, over dui_cases.</summary>
    public static string ModelWithRules(IReadOnlyList<string> conditions)
    {
        var text = new StringBuilder("id: RANDOM\nversion: \"1\"\nname: random conditions\nrules:\n");
        for (int i = 0; i < conditions.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - id: R{i + 1}\n    from: dui_cases\n    when: \"{conditions[i].Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n");
        }

        return text.ToString();
    }
}
