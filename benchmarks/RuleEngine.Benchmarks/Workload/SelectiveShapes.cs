using System.Globalization;
using System.Linq.Expressions;

namespace RuleEngine.Benchmarks.Workload;

/// <summary>
/// A second random-shape workload, after the grammar of an independent benchmark: skewed values on eight categorical
/// fields (Zipf-like: a few causes, courts and case types are most of the data), and rules of 2 to 5 conditions drawn
/// from a grammar with nested AND/OR — <c>=</c> and <c>&lt;&gt;</c> on the categorical fields, <c>IN</c>, numeric and
/// date ranges, <c>BETWEEN</c>, <c>contains</c> and <c>starts_with</c>, <c>array_contains</c>, a difference of days,
/// truth values — each kept only if at most 0.1 % of the records match it. Each rule is stated three times from the
/// same draw: in the condition language, as a hand-written lambda, and as the equality tests a hand-written index
/// would file it under.
/// </summary>
public static class SelectiveShapes
{
    private static readonly string[] Types = ["刑事一审", "刑事二审", "民事一审", "民事二审", "行政一审", "执行", "非诉执行", "国家赔偿"];
    private static readonly string[] Regions = ["110105", "310104", "330106", "420112", "440303", "510107", "320102", "500103"];
    private static readonly string[] Dispositions = ["有罪判决", "不起诉", "撤回起诉", "调解", "驳回", "准许撤诉"];
    private static readonly string[] Procuratorates = [.. Enumerable.Range(0, 12).Select(i => "检察院" + i.ToString("00", CultureInfo.InvariantCulture))];

    /// <summary>The categorical text fields, each with its values in order of frequency.</summary>
    private static readonly (string Field, string Property, string[] Values)[] Categorical =
    [
        ("case_type", nameof(CaseRecord.CaseType), Types),
        ("cause", nameof(CaseRecord.Cause), CaseWorkload.Causes),
        ("court", nameof(CaseRecord.Court), CaseWorkload.Courts),
        ("region", nameof(CaseRecord.Region), Regions),
        ("disposition", nameof(CaseRecord.Disposition), Dispositions),
        ("procuratorate", nameof(CaseRecord.Procuratorate), Procuratorates),
    ];

    /// <summary>Records whose categorical values are skewed: value <c>i</c> of a field is drawn with weight <c>1/(i+1)</c>.</summary>
    public static CaseRecord[] Records(int count, int seed = 31)
    {
        var random = new Random(seed);
        var records = new CaseRecord[count];
        for (int i = 0; i < count; i++)
        {
            DateOnly filing = new DateOnly(2018, 1, 1).AddDays(random.Next(0, 2500));
            records[i] = new CaseRecord
            {
                CaseNo = "（2024）浙0624刑初" + i.ToString(CultureInfo.InvariantCulture) + "号",
                CaseType = Skewed(random, Types),
                Cause = Skewed(random, CaseWorkload.Causes),
                PersonId = "11010519491231002X",
                FilingDate = filing,
                JudgmentDate = filing.AddDays(random.Next(30, 400)),
                Court = Skewed(random, CaseWorkload.Courts),
                Region = Skewed(random, Regions),
                Amount = random.Next(0, 100_000),
                Fine = random.Next(0, 20_000),
                SentenceMonths = random.Next(0, 120),
                Defendants = 1 + Skewed(random, 5),
                Detained = random.Next(2) == 0,
                Recidivist = random.Next(10) == 0,
                Minor = random.Next(20) == 0,
                Disposition = Skewed(random, Dispositions),
                Procuratorate = Skewed(random, Procuratorates),
                Bac = random.NextDouble() * 250,
                Tags = [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => "标签" + random.Next(10).ToString(CultureInfo.InvariantCulture))],
            };
        }

        return records;
    }

    /// <summary>The rules: condition text, lambda, and the equality tests of the rule's top-level conjuncts (field property → values).</summary>
    public static SelectiveRule[] Rules(int count, CaseRecord[] records, int seed = 37)
    {
        var random = new Random(seed);
        ParameterExpression r = Expression.Parameter(typeof(CaseRecord), "r");
        var rules = new List<SelectiveRule>();
        int limit = Math.Max(1, records.Length / 1000);
        while (rules.Count < count)
        {
            var parts = new List<Part>();
            int items = random.Next(2, 6);
            for (int k = 0; k < items; k++)
            {
                parts.Add(random.Next(10) switch
                {
                    < 2 => Or(Leaf(random, r), Leaf(random, r)),
                    2 => Or(And(Leaf(random, r), Leaf(random, r)), Leaf(random, r)),
                    _ => Leaf(random, r),
                });
            }

            Expression<Func<CaseRecord, bool>> tree = Expression.Lambda<Func<CaseRecord, bool>>(parts.Select(p => p.Test).Aggregate(Expression.AndAlso), r);
            Func<CaseRecord, bool> lambda = tree.Compile();
            if (records.Count(lambda) <= limit)
            {
                rules.Add(new SelectiveRule(string.Join(" AND ", parts.Select(p => p.Text)), lambda, tree, [.. parts.Where(p => p.Equality is not null).Select(p => p.Equality!.Value)]));
            }
        }

        return [.. rules];
    }

    private static Part Or(Part a, Part b) => new($"({a.Text} OR {b.Text})", Expression.OrElse(a.Test, b.Test), null);

    private static Part And(Part a, Part b) => new($"({a.Text} AND {b.Text})", Expression.AndAlso(a.Test, b.Test), null);

    private static Part Leaf(Random random, ParameterExpression r)
    {
        Expression P(string name) => Expression.Property(r, name);
        Expression C<T>(T value) => Expression.Constant(value, typeof(T));
        string N(decimal n) => n.ToString(CultureInfo.InvariantCulture);
        (string field, string property, string[] values) = Categorical[random.Next(Categorical.Length)];
        switch (random.Next(16))
        {
            case < 4:
            {
                string value = Skewed(random, values);
                return new Part($"{field} = '{value}'", Expression.Equal(P(property), C(value)), (property, [value]));
            }

            case 4 or 5:
            {
                string value = Skewed(random, values);
                return new Part($"{field} <> '{value}'", Expression.NotEqual(P(property), C(value)), null);
            }

            case 6:
            {
                string[] chosen = [.. Enumerable.Range(0, random.Next(2, 4)).Select(_ => Skewed(random, values)).Distinct()];
                return new Part($"{field} IN ({string.Join(", ", chosen.Select(v => $"'{v}'"))})", chosen.Select(v => (Expression)Expression.Equal(P(property), C(v))).Aggregate(Expression.OrElse), (property, chosen));
            }

            case 7:
            {
                decimal amount = random.Next(0, 100_000);
                return new Part($"amount >= {N(amount)}", Expression.GreaterThanOrEqual(P(nameof(CaseRecord.Amount)), C(amount)), null);
            }

            case 8:
            {
                decimal low = random.Next(0, 15_000);
                decimal high = low + random.Next(500, 5_000);
                return new Part($"fine BETWEEN {N(low)} AND {N(high)}", Expression.AndAlso(Expression.GreaterThanOrEqual(P(nameof(CaseRecord.Fine)), C(low)), Expression.LessThanOrEqual(P(nameof(CaseRecord.Fine)), C(high))), null);
            }

            case 9:
            {
                int months = random.Next(0, 120);
                return random.Next(2) == 0
                    ? new Part($"sentence_months < {months}", Expression.LessThan(P(nameof(CaseRecord.SentenceMonths)), C(months)), null)
                    : new Part($"defendants = {1 + (months % 5)}", Expression.Equal(P(nameof(CaseRecord.Defendants)), C(1 + (months % 5))), null);
            }

            case 10:
            {
                var date = new DateOnly(2018, 1, 1).AddDays(random.Next(0, 2500));
                Expression day = Expression.Property(P(nameof(CaseRecord.FilingDate)), nameof(DateOnly.DayNumber));
                return random.Next(2) == 0
                    ? new Part($"filing_date >= DATE '{date:yyyy-MM-dd}'", Expression.GreaterThanOrEqual(day, C(date.DayNumber)), null)
                    : new Part($"filing_date < DATE '{date:yyyy-MM-dd}'", Expression.LessThan(day, C(date.DayNumber)), null);
            }

            case 11:
            {
                string digit = random.Next(10).ToString(CultureInfo.InvariantCulture);
                return random.Next(2) == 0
                    ? new Part($"contains(cause, '{digit}')", Expression.Call(P(nameof(CaseRecord.Cause)), typeof(string).GetMethod(nameof(string.Contains), [typeof(string), typeof(StringComparison)])!, C(digit), C(StringComparison.Ordinal)), null)
                    : new Part($"starts_with(court, '法院{digit}')", Expression.Call(P(nameof(CaseRecord.Court)), typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string), typeof(StringComparison)])!, C("法院" + digit), C(StringComparison.Ordinal)), null);
            }

            case 12:
            {
                string tag = "标签" + random.Next(10).ToString(CultureInfo.InvariantCulture);
                Expression index = Expression.Call(typeof(Array), nameof(Array.IndexOf), [typeof(string)], P(nameof(CaseRecord.Tags)), C(tag));
                return new Part($"array_contains(tags, '{tag}')", Expression.GreaterThanOrEqual(index, C(0)), null);
            }

            case 13:
            {
                int days = random.Next(30, 400);
                Expression difference = Expression.Subtract(Expression.Property(P(nameof(CaseRecord.JudgmentDate)), nameof(DateOnly.DayNumber)), Expression.Property(P(nameof(CaseRecord.FilingDate)), nameof(DateOnly.DayNumber)));
                return new Part($"days_between(filing_date, judgment_date) > {days}", Expression.GreaterThan(difference, C(days)), null);
            }

            case 14:
            {
                double bac = Math.Round(random.NextDouble() * 250, 1);
                return new Part($"bac > {bac.ToString(CultureInfo.InvariantCulture)}", Expression.GreaterThan(P(nameof(CaseRecord.Bac)), C(bac)), null);
            }

            default:
                return random.Next(3) switch
                {
                    0 => new Part("detained", P(nameof(CaseRecord.Detained)), null),
                    1 => new Part("NOT minor", Expression.Not(P(nameof(CaseRecord.Minor))), null),
                    _ => new Part("recidivist", P(nameof(CaseRecord.Recidivist)), null),
                };
        }
    }

    /// <summary>Value <c>i</c> with weight <c>1/(i+1)</c>.</summary>
    private static string Skewed(Random random, string[] values) => values[Skewed(random, values.Length)];

    private static int Skewed(Random random, int count)
    {
        double total = 0;
        for (int i = 1; i <= count; i++)
        {
            total += 1.0 / i;
        }

        double pick = random.NextDouble() * total;
        for (int i = 0; i < count; i++)
        {
            pick -= 1.0 / (i + 1);
            if (pick <= 0)
            {
                return i;
            }
        }

        return count - 1;
    }

    private sealed record Part(string Text, Expression Test, (string Property, string[] Values)? Equality);
}

/// <summary>A rule of <see cref="SelectiveShapes"/>: its condition, its lambda (compiled and as a tree over a parameter <c>r</c>), and the equality tests among its top-level conjuncts.</summary>
public sealed record SelectiveRule(string Condition, Func<CaseRecord, bool> Lambda, LambdaExpression Tree, (string Property, string[] Values)[] Equalities);

/// <summary>
/// What an engineer writes by hand to avoid testing every rule: each rule filed under the first equality (or
/// <c>IN</c>) test among its conjuncts, one dictionary per field; a record tests the rules filed under its own values
/// and the rules that have no such test.
/// </summary>
public sealed class HandWrittenIndex
{
    private readonly (Func<CaseRecord, string> Read, Dictionary<string, Func<CaseRecord, bool>[]> Rules)[] _fields;
    private readonly Func<CaseRecord, bool>[] _always;

    public HandWrittenIndex(SelectiveRule[] rules)
    {
        var byField = new Dictionary<string, Dictionary<string, List<Func<CaseRecord, bool>>>>(StringComparer.Ordinal);
        var always = new List<Func<CaseRecord, bool>>();
        foreach (SelectiveRule rule in rules)
        {
            if (rule.Equalities.Length == 0)
            {
                always.Add(rule.Lambda);
                continue;
            }

            (string property, string[] values) = rule.Equalities[0];
            if (!byField.TryGetValue(property, out Dictionary<string, List<Func<CaseRecord, bool>>>? index))
            {
                byField[property] = index = new Dictionary<string, List<Func<CaseRecord, bool>>>(StringComparer.Ordinal);
            }

            foreach (string value in values)
            {
                if (!index.TryGetValue(value, out List<Func<CaseRecord, bool>>? list))
                {
                    index[value] = list = [];
                }

                list.Add(rule.Lambda);
            }
        }

        _fields = [.. byField.Select(f =>
        {
            ParameterExpression r = Expression.Parameter(typeof(CaseRecord), "r");
            return (Expression.Lambda<Func<CaseRecord, string>>(Expression.Property(r, f.Key), r).Compile(), f.Value.ToDictionary(v => v.Key, v => v.Value.ToArray(), StringComparer.Ordinal));
        })];
        _always = [.. always];
    }

    public int Matches(CaseRecord[] records)
    {
        int matches = 0;
        foreach (CaseRecord record in records)
        {
            foreach (Func<CaseRecord, bool> rule in _always)
            {
                if (rule(record))
                {
                    matches++;
                }
            }

            foreach ((Func<CaseRecord, string> read, Dictionary<string, Func<CaseRecord, bool>[]> rules) in _fields)
            {
                if (rules.TryGetValue(read(record), out Func<CaseRecord, bool>[]? candidates))
                {
                    foreach (Func<CaseRecord, bool> rule in candidates)
                    {
                        if (rule(record))
                        {
                            matches++;
                        }
                    }
                }
            }
        }

        return matches;
    }
}
