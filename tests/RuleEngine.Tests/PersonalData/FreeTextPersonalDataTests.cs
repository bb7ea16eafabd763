using RuleEngine.Clues;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.PersonalData;

/// <summary>
/// Free text (a judgment's facts, a note) mentions people: the ID numbers in any text reach the clues masked, and in
/// a field declared <see cref="PersonalDataKind.Text"/> the phone numbers too, unless the run reveals personal data.
/// </summary>
public class FreeTextPersonalDataTests
{
    private const string Id = "11010519491231002X";
    private const string Phone = "13800138000";

    private static readonly DatasetSchema Judgments = DatasetSchema.Create("judgments")
        .Add("case_no", FieldType.String)
        .Add("facts", FieldType.String)
        .Add("note", FieldType.String, PersonalDataKind.Text)
        .Add("amount", FieldType.Decimal)
        .Key("case_no").Build();

    private static readonly RuleDefinition Rule = new("R1", "judgments", "amount > 0")
    {
        Clue = new ClueSpec
        {
            Title = "{facts}",
            Evidence = ["facts", "note", "lead"],
            Computed = [new("lead", "substr(note, 1, 30)")],
        },
    };

    private static readonly string Csv =
        $"case_no,facts,note,amount\nA1,被告人张某（公民身份号码{Id}）驾驶机动车,联系电话{Phone}，身份证{Id},5\n";

    [Fact]
    public async Task Id_numbers_in_any_text_and_phones_in_declared_text_reach_the_clues_masked()
    {
        string masked = await ClueText(reveal: false);

        Assert.DoesNotContain(Id, masked, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, masked, StringComparison.Ordinal);
        Assert.Contains("公民身份号码110105********002X）驾驶机动车", masked, StringComparison.Ordinal);
        Assert.Contains("联系电话138****8000", masked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_reveals_personal_data_shows_the_text_as_it_is()
    {
        string revealed = await ClueText(reveal: true);

        Assert.Contains($"公民身份号码{Id}）", revealed, StringComparison.Ordinal);
        Assert.Contains($"联系电话{Phone}，身份证{Id}", revealed, StringComparison.Ordinal);
    }

    private static async Task<string> ClueText(bool reveal)
    {
        RuleSet set = new RuleSetBuilder().AddDataset(Judgments).AddRule(Rule).Build();
        var sink = new CollectingSink();
        await set.RunAsync([TestRules.Csv(Csv, Judgments)], sink, new RunOptions { RevealPersonalData = reveal });
        Clue clue = Assert.Single(sink.Clues);
        return JsonLinesClueSink.Format(clue);
    }
}
