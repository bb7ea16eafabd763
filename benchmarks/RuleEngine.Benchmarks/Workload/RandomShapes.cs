using System.Globalization;
using System.Linq.Expressions;

namespace RuleEngine.Benchmarks.Workload;

/// <summary>
/// Rules drawn from a grammar instead of one shape: 2 to 5 conditions, some of them ORs of two, over every kind of
/// field of <see cref="CaseRecord"/> — equality and inequality on categorical fields, <c>IN</c>, numeric and date
/// ranges, <c>BETWEEN</c>, <c>contains</c> and <c>starts_with</c>, <c>array_contains</c>, a difference of days, truth
/// values. The first condition of each rule picks a kind of case (a cause, court, case type or region, or either of
/// two), as models do. Each rule is stated twice, in the condition language and as the hand-written lambda, from the
/// same draw.
/// </summary>
public static class RandomShapes
{
    private static readonly string[] Types = ["刑事一审", "刑事二审", "民事一审", "民事二审", "行政一审", "执行", "非诉执行", "国家赔偿"];
    private static readonly string[] Regions = ["110105", "310104", "330106", "420112", "440303", "510107"];

    /// <summary>The rules, each as its condition and its lambda.</summary>
    public static (string Condition, Func<CaseRecord, bool> Lambda)[] Rules(int count, int seed = 29)
    {
        var random = new Random(seed);
        ParameterExpression r = Expression.Parameter(typeof(CaseRecord), "r");
        var rules = new (string, Func<CaseRecord, bool>)[count];
        for (int i = 0; i < count; i++)
        {
            int items = random.Next(2, 6);
            var parts = new List<(string Text, Expression Test)>();
            for (int k = 0; k < items; k++)
            {
                // The first condition picks the kind of case, as models do (a cause, a court, a case type, a region; or
                // either of two); the rest are drawn from every kind of test, some as ORs of two.
                parts.Add(k == 0
                    ? (random.Next(4) == 0 ? Or(Leaf(random, r, categorical: true), Leaf(random, r, categorical: true)) : Leaf(random, r, categorical: true))
                    : random.Next(10) < 3 ? Or(Leaf(random, r), Leaf(random, r)) : Leaf(random, r));
            }

            string text = string.Join(" AND ", parts.Select(p => p.Text));
            Expression body = parts.Select(p => p.Test).Aggregate(Expression.AndAlso);
            rules[i] = (text, Expression.Lambda<Func<CaseRecord, bool>>(body, r).Compile());
        }

        return rules;
    }

    private static (string, Expression) Or((string Text, Expression Test) a, (string Text, Expression Test) b) =>
        ($"({a.Text} OR {b.Text})", Expression.OrElse(a.Test, b.Test));

    private static (string Text, Expression Test) Leaf(Random random, ParameterExpression r, bool categorical = false)
    {
        Expression P(string name) => Expression.Property(r, name);
        Expression C<T>(T value) => Expression.Constant(value, typeof(T));
        string Q(string text) => "'" + text + "'";
        string N(decimal n) => n.ToString(CultureInfo.InvariantCulture);
        switch (categorical ? random.Next(4) : random.Next(12))
        {
            case 0:
            {
                string cause = CaseWorkload.Causes[random.Next(CaseWorkload.Causes.Length)];
                return ($"cause = {Q(cause)}", Expression.Equal(P(nameof(CaseRecord.Cause)), C(cause)));
            }

            case 1:
            {
                string[] courts = [.. Enumerable.Range(0, random.Next(2, 4)).Select(_ => CaseWorkload.Courts[random.Next(CaseWorkload.Courts.Length)]).Distinct()];
                return ($"court IN ({string.Join(", ", courts.Select(Q))})", courts.Select(c => (Expression)Expression.Equal(P(nameof(CaseRecord.Court)), C(c))).Aggregate(Expression.OrElse));
            }

            case 2:
            {
                string type = Types[random.Next(Types.Length)];
                return random.Next(2) == 0
                    ? ($"case_type = {Q(type)}", Expression.Equal(P(nameof(CaseRecord.CaseType)), C(type)))
                    : ($"case_type <> {Q(type)}", Expression.NotEqual(P(nameof(CaseRecord.CaseType)), C(type)));
            }

            case 3:
            {
                string region = Regions[random.Next(Regions.Length)];
                return ($"region = {Q(region)}", Expression.Equal(P(nameof(CaseRecord.Region)), C(region)));
            }

            case 4:
            {
                decimal amount = random.Next(0, 100_000);
                return ($"amount >= {N(amount)}", Expression.GreaterThanOrEqual(P(nameof(CaseRecord.Amount)), C(amount)));
            }

            case 5:
            {
                decimal low = random.Next(0, 15_000);
                decimal high = low + random.Next(500, 5_000);
                return ($"fine BETWEEN {N(low)} AND {N(high)}", Expression.AndAlso(Expression.GreaterThanOrEqual(P(nameof(CaseRecord.Fine)), C(low)), Expression.LessThanOrEqual(P(nameof(CaseRecord.Fine)), C(high))));
            }

            case 6:
            {
                int months = random.Next(0, 120);
                return ($"sentence_months < {months}", Expression.LessThan(P(nameof(CaseRecord.SentenceMonths)), C(months)));
            }

            case 7:
            {
                var date = new DateOnly(2018, 1, 1).AddDays(random.Next(0, 2500));
                Expression day = Expression.Property(P(nameof(CaseRecord.FilingDate)), nameof(DateOnly.DayNumber));
                return ($"filing_date >= DATE '{date:yyyy-MM-dd}'", Expression.GreaterThanOrEqual(day, C(date.DayNumber)));
            }

            case 8:
            {
                string digit = random.Next(10).ToString(CultureInfo.InvariantCulture);
                return random.Next(2) == 0
                    ? ($"contains(cause, {Q(digit)})", Expression.Call(P(nameof(CaseRecord.Cause)), typeof(string).GetMethod(nameof(string.Contains), [typeof(string), typeof(StringComparison)])!, C(digit), C(StringComparison.Ordinal)))
                    : ($"starts_with(court, {Q("法院" + digit)})", Expression.Call(P(nameof(CaseRecord.Court)), typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string), typeof(StringComparison)])!, C("法院" + digit), C(StringComparison.Ordinal)));
            }

            case 9:
            {
                string tag = "标签" + random.Next(10).ToString(CultureInfo.InvariantCulture);
                Expression index = Expression.Call(typeof(Array), nameof(Array.IndexOf), [typeof(string)], P(nameof(CaseRecord.Tags)), C(tag));
                return ($"array_contains(tags, {Q(tag)})", Expression.GreaterThanOrEqual(index, C(0)));
            }

            case 10:
            {
                int days = random.Next(30, 400);
                Expression difference = Expression.Subtract(Expression.Property(P(nameof(CaseRecord.JudgmentDate)), nameof(DateOnly.DayNumber)), Expression.Property(P(nameof(CaseRecord.FilingDate)), nameof(DateOnly.DayNumber)));
                return ($"days_between(filing_date, judgment_date) > {days}", Expression.GreaterThan(difference, C(days)));
            }

            default:
                return random.Next(3) switch
                {
                    0 => ("detained", P(nameof(CaseRecord.Detained))),
                    1 => ("NOT minor", Expression.Not(P(nameof(CaseRecord.Minor)))),
                    _ => ("recidivist", P(nameof(CaseRecord.Recidivist))),
                };
        }
    }
}
