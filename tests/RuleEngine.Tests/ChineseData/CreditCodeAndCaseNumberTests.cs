using RuleEngine.ChineseData;

namespace RuleEngine.Tests.ChineseData;

public class CreditCodeAndCaseNumberTests
{
    [Theory]
    [InlineData("91512081MA62K0260E", true)]
    [InlineData("91512081ma62k0260e", true)]
    [InlineData("９１５１２０８１ＭＡ６２Ｋ０２６０Ｅ", true)]
    [InlineData("91350100M000100Y4Z", false)]
    [InlineData("91350100M000100Y43", true)]
    [InlineData("91512081MA62K0260", false)]
    [InlineData("91512081MA62K026OE", false)]
    public void CreditCode_IsValid_ChecksAlphabetLengthAndCheckCharacter(string code, bool expected) =>
        Assert.Equal(expected, CreditCode.IsValid(code));

    [Fact]
    public void CreditCode_ComputeCheckCharacter_MatchesTheDomainExample() =>
        Assert.Equal('3', CreditCode.ComputeCheckCharacter("91350100M000100Y4"));

    [Theory]
    [InlineData("（2018）鄂0112刑初298号", 2018, "鄂0112", "刑初", 298)]
    [InlineData("(2016)浙0624民初1234号", 2016, "浙0624", "民初", 1234)]
    [InlineData("〔2020〕京01民终5号", 2020, "京01", "民终", 5)]
    [InlineData("【2021】粤0303执恢12号", 2021, "粤0303", "执恢", 12)]
    [InlineData("（2019）最高法知民终1号", 2019, "最高法", "民终", 1)]
    [InlineData("（2011）荣4民初字第1929号", 2011, "荣4", "民初", 1929)]
    [InlineData("（2012）玉区法民初字第1486号", 2012, "玉区法", "民初", 1486)]
    public void CaseNumber_TryParse_ReadsYearCourtTypeAndSequence(string text, int year, string court, string type, long sequence)
    {
        Assert.True(CaseNumber.TryParse(text, out int y, out string c, out string t, out long s));
        Assert.Equal((year, court, type, sequence), (y, c, t, s));
    }

    [Theory]
    [InlineData("渝巴检刑诉〔2016〕585号")]
    [InlineData("2018鄂0112刑初298号")]
    [InlineData("")]
    public void CaseNumber_TryParse_RejectsOtherNumbers(string text) =>
        Assert.False(CaseNumber.TryParse(text, out _, out _, out _, out _));

    [Fact]
    public void CaseNumber_Normalize_UsesFullWidthBrackets() =>
        Assert.Equal("（2016）浙0624民初1234号", CaseNumber.Normalize("(2016) 浙０６２４民初1234号"));
}
