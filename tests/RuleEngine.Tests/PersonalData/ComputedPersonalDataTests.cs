using RuleEngine.Clues;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.PersonalData;

/// <summary>
/// A model is untrusted input: whatever it computes from a personal field — a join's aggregates, a window's, a
/// derived field, a computed evidence value — reaches the clues masked unless the run reveals personal data.
/// </summary>
public class ComputedPersonalDataTests
{
    private const string Id = "11010519491231002X";
    private const string Digits = "11010519491231002";
    private const string Name = "欧阳明远";

    private static readonly DatasetSchema People = DatasetSchema.Create("people")
        .Add("case_no", FieldType.String).Add("person_id", FieldType.IdNumber).Add("name", FieldType.String, PersonalDataKind.Name).Add("amount", FieldType.Decimal)
        .Key("case_no").Build();

    private static readonly DatasetSchema Registry = DatasetSchema.Create("registry")
        .Add("person_id", FieldType.IdNumber).Add("name", FieldType.String, PersonalDataKind.Name).Build();

    public static TheoryData<string, RuleDefinition> Exfiltrations => new()
    {
        {
            "join aggregates",
            new RuleDefinition("J", "people", "r.n > 0")
            {
                Joins = [new JoinDefinition("registry", "r", JoinKind.Inner)
                {
                    On = [("person_id", "person_id")],
                    Aggregates = [new("n", "count()"), new("ids", "list(r.person_id)"), new("first_name", "first(r.name)"), new("max_id", "max(r.person_id)"), new("digits", "sum(CAST(substr(r.person_id, 1, 17) AS BIGINT))")],
                }],
                Clue = new ClueSpec { Evidence = ["r.ids", "r.first_name", "r.max_id", "r.digits"], Title = "{r.first_name} {r.max_id} {r.digits}" },
            }
        },
        {
            "window aggregates",
            new RuleDefinition("W", "people", "amount > 0")
            {
                Window = new WindowDefinition("case_no", $"count() >= 1 AND max(person_id) IS NOT NULL AND min(name) IS NOT NULL AND sum(amount) > 0"),
            }
        },
        {
            "computed evidence of a window",
            new RuleDefinition("WC", "people", "amount > 0")
            {
                Window = new WindowDefinition("case_no", "count() >= 1"),
                Clue = new ClueSpec
                {
                    Computed = [new("who", "max(name) || ' ' || min(person_id)"), new("digits", "CAST(substr(max(person_id), 1, 17) AS BIGINT)")],
                    Title = "{who} {digits}",
                },
            }
        },
        {
            "computed evidence",
            new RuleDefinition("C", "people", "amount > 0")
            {
                Clue = new ClueSpec
                {
                    Evidence = ["digits", "backwards", "joined"],
                    Computed = [new("digits", $"CAST(substr(person_id, 1, 17) AS BIGINT) + 0"), new("backwards", "substr(person_id, 1, 17) || name"), new("joined", "name || ' ' || person_id")],
                    Title = "{digits} {joined}",
                },
            }
        },
    };

    [Theory]
    [MemberData(nameof(Exfiltrations))]
    public async Task What_a_model_computes_from_personal_fields_reaches_the_clues_masked(string how, RuleDefinition rule)
    {
        string masked = await ClueText(rule, reveal: false);
        string revealed = await ClueText(rule, reveal: true);

        Assert.True(masked.Length > 0, how);
        Assert.DoesNotContain(Digits, masked, StringComparison.Ordinal);
        Assert.DoesNotContain(Name, masked, StringComparison.Ordinal);
        Assert.Contains(rule.Window is null ? Digits : Id, revealed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_derived_field_computed_from_a_personal_field_reaches_the_next_stages_clues_masked()
    {
        var derive = new DeriveDefinition("derived", [new DerivedField("case_no", "case_no"), new DerivedField("digits", "CAST(substr(person_id, 1, 17) AS BIGINT)"), new DerivedField("who", "name || person_id")]);
        RuleDefinition[] rules =
        [
            new RuleDefinition("S1", "people", "amount > 0") { Derive = derive },
            new RuleDefinition("R1", "derived", "digits > 0") { Clue = new ClueSpec { Evidence = ["digits", "who"], Title = "{digits} {who}" } },
        ];

        string masked = await ClueText(rules, reveal: false);

        Assert.DoesNotContain(Digits, masked, StringComparison.Ordinal);
        Assert.DoesNotContain(Name, masked, StringComparison.Ordinal);
    }

    private static Task<string> ClueText(RuleDefinition rule, bool reveal) => ClueText([rule], reveal);

    private static async Task<string> ClueText(RuleDefinition[] rules, bool reveal)
    {
        RuleSet set = new RuleSetBuilder().AddDataset(People).AddDataset(Registry).AddRules(rules).Build();
        var sink = new CollectingSink();
        await set.RunAsync(
            [TestRules.Csv($"case_no,person_id,name,amount\nA1,{Id},{Name},5\n", People), TestRules.Csv($"person_id,name\n{Id},{Name}\n", Registry)],
            sink,
            new RunOptions { RevealPersonalData = reveal });
        return string.Join('\n', sink.Clues.Select(JsonLinesClueSink.Format));
    }

}
