using RuleEngine.ChineseData;

namespace RuleEngine.Tests.PersonalData;

/// <summary>P02: keyed pseudonyms.</summary>
public sealed class PseudonymTests
{
    private static readonly PseudonymKey K1 = new("k1", "0123456789abcdef0123456789abcdef"u8);
    private static readonly PseudonymKey K2 = new("k2", "fedcba9876543210fedcba9876543210"u8);

    [Fact]
    public void The_same_number_in_any_form_gives_the_same_token_under_one_key_and_another_under_another()
    {
        string token = Pseudonyms.ForIdNumber("11010519491231002X", K1);

        Assert.Matches("^k1:[0-9a-f]{32}$", token);
        Assert.Equal(token, Pseudonyms.ForIdNumber("11010519491231002x", K1));
        Assert.Equal(token, Pseudonyms.ForIdNumber("１１０１０５１９４９１２３１００２Ｘ", K1));
        Assert.Equal(token, Pseudonyms.ForIdNumber("110105 19491231 002X", K1));
        Assert.NotEqual(token[3..], Pseudonyms.ForIdNumber("11010519491231002X", K2)[3..]);
        Assert.NotEqual(token, Pseudonyms.ForIdNumber("370101190102039973", K1));
    }

    [Fact]
    public void A_legacy_15_digit_number_gives_the_token_of_its_18_digit_form()
    {
        Assert.Equal(Pseudonyms.ForIdNumber(IdNumber.Normalize("110105491231002"), K1), Pseudonyms.ForIdNumber("110105491231002", K1));
    }

    [Theory]
    [InlineData("", 32)]
    [InlineData("k 1", 32)]
    [InlineData("k1", 15)]
    public void There_is_no_pseudonym_without_a_real_key(string id, int secretLength)
    {
        Assert.Throws<ArgumentException>(() => new PseudonymKey(id, new byte[secretLength]));
    }
}
