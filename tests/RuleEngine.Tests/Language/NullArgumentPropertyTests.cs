using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Language;

/// <summary>
/// "Validate means runs": every function of the library, called with NULL in each argument position, with NULL in all
/// of them, and with random well-typed fields and literals elsewhere, either gets a diagnostic when the rule set is
/// built or builds and evaluates. No exception but the documented ones (<see cref="RuleCompilationException"/> from
/// Build) may escape; a failure on a record is a counted rule error, never a thrown exception.
/// </summary>
public sealed class NullArgumentPropertyTests
{
    private const string Records = """
        case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants
        A1,民间借贷纠纷,,,,100.5,0.8,3,true,2024-02-29,甲;乙
        A2,,,,,,,,,,
        A3,盗窃罪,,,,-7,2.5,-5,false,2000-01-01,
        """;

    private static readonly Dictionary<LanguageType, string[]> Values = new()
    {
        [LanguageType.Bool] = ["default_judgment", "TRUE", "FALSE"],
        [LanguageType.Int] = ["months", "0", "-1", "9223372036854775807", "3"],
        [LanguageType.Decimal] = ["amount", "0.0", "-12.5", "79228162514264337593543950335"],
        [LanguageType.Double] = ["bac", "CAST(0.5 AS DOUBLE)", "CAST(1e308 AS DOUBLE)"],
        [LanguageType.Text] = ["cause", "''", "'民间借贷'", "'\U00020000x'"],
        [LanguageType.Date] = ["filing_date", "DATE '2024-02-29'", "DATE '0001-01-01'", "DATE '9999-12-31'"],
        [LanguageType.Timestamp] = ["CAST('2024-01-01 08:00:00' AS TIMESTAMP)"],
        [LanguageType.TextArray] = ["defendants"],
    };

    public static TheoryData<string> Calls()
    {
        var random = new Random(20261206);

        // Overloads of one name give the same all-NULL call; each text is one test case.
        var data = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string name in FunctionLibrary.Names)
        {
            FunctionLibrary.TryGet(name, out FunctionDefinition[] overloads);
            foreach (FunctionDefinition function in overloads)
            {
                if (function.IsVariadic)
                {
                    data.Add($"{name}(NULL)");
                    data.Add($"{name}(NULL, NULL)");
                    data.Add($"{name}(NULL, NULL, NULL)");
                    foreach (LanguageType type in Values.Keys)
                    {
                        data.Add($"{name}(NULL, {Pick(random, type)})");
                        data.Add($"{name}({Pick(random, type)}, NULL, {Pick(random, type)})");
                    }

                    continue;
                }

                int arity = function.Parameters.Length;
                data.Add($"{name}({string.Join(", ", Enumerable.Repeat("NULL", arity))})");
                for (int position = 0; position < arity; position++)
                {
                    for (int sample = 0; sample < 3; sample++)
                    {
                        IEnumerable<string> arguments = function.Parameters.Select((p, i) => i == position ? "NULL" : Argument(random, function, i, p));
                        data.Add($"{name}({string.Join(", ", arguments)})");
                    }
                }
            }
        }

        return [.. data];
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task A_call_with_null_arguments_gets_a_diagnostic_or_builds_and_evaluates(string call)
    {
        foreach (string condition in new[] { $"({call}) IS NULL", $"({call}) IS NOT NULL OR NOT (({call}) IS NULL)" })
        {
            RuleSet rules;
            try
            {
                rules = TestRules.Build(TestRules.Rule(condition));
            }
            catch (RuleCompilationException e)
            {
                Assert.NotEmpty(e.Diagnostics);
                Assert.All(e.Diagnostics, d => Assert.StartsWith("RE", d.Id, StringComparison.Ordinal));
                continue;
            }

            (_, RunSummary summary) = await TestRules.RunAsync(rules, TestRules.Csv(Records.Replace("\r\n", "\n", StringComparison.Ordinal)));
            Assert.Equal(3, summary.RecordsRead);
            Assert.Equal(0, summary.RecordsRejected);
        }
    }

    [Theory]
    [InlineData("filing_date + NULL IS NULL")]
    [InlineData("filing_date - NULL IS NULL")]
    [InlineData("filing_date + CAST(NULL AS INT) IS NULL")]
    [InlineData("(DATE '2024-02-29' + months) IS NULL OR months IS NOT NULL")]
    public async Task Date_arithmetic_with_null_is_null_as_documented(string condition)
    {
        (List<RuleEngine.Clues.Clue> clues, RunSummary summary) = await TestRules.RunAsync(TestRules.Build(TestRules.Rule(condition)), TestRules.Csv(Records));

        Assert.Equal((3, 0L), (clues.Count, summary.RuleErrors));
    }

    private static string Argument(Random random, FunctionDefinition function, int index, LanguageType type) =>
        function.LiteralParameters.Contains(index) ? (function.IsRegex ? "'^[0-9]+$'" : "'day'") : Pick(random, type);

    private static string Pick(Random random, LanguageType type) => Values[type][random.Next(Values[type].Length)];
}
