using RuleEngine.ChineseData;

namespace RuleEngine.Tests.ChineseData;

public class IdNumberTests
{
    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("370101190102039973")]
    [InlineData("513101198201130014")]
    [InlineData("34052419800101001X")]
    [InlineData("130503196704010016")]
    public void IsValid_DomainExamples_AreValid(string id) => Assert.True(IdNumber.IsValid(id));

    [Theory]
    [InlineData("110105194912310021")]
    [InlineData("11010519491231002")]
    [InlineData("1101051949123100211")]
    [InlineData("990105194912310029")]
    [InlineData("110105194902300026")]
    [InlineData("110105180001010012")]
    [InlineData("3.30104E+17")]
    [InlineData("11010519491231002Y")]
    [InlineData("")]
    public void IsValid_BrokenNumbers_AreInvalid(string id) => Assert.False(IdNumber.IsValid(id));

    [Fact]
    public void A_birth_date_is_valid_exactly_when_it_is_a_real_calendar_date_from_1890()
    {
        // Leap days, month and day ends and zeros, around the 1890 floor and at the calendar's end, and random digits.
        var random = new Random(11);
        string[] dates =
        [
            "20000229", "19000229", "20240229", "20230229", "18891231", "18900101", "99991231", "00000101", "20231131",
            "20231231", "20230001", "20231301", "20230100", "20230132", "19490931", "19491031",
            .. Enumerable.Range(0, 3000).Select(_ => random.Next(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture)),
        ];
        foreach (string date in dates)
        {
            string body = "110105" + date + "123";
            string id = body + IdNumber.ComputeCheckCharacter(body);
            bool real = DateOnly.TryParseExact(date, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out DateOnly expected);
            bool valid = real && expected >= new DateOnly(1890, 1, 1);

            Assert.True(valid == IdNumber.IsValid(id), date);
            Assert.True(valid == IdNumber.TryGetBirthDate(id, out DateOnly birth), date);
            Assert.Equal(valid ? expected : default, birth);
        }
    }

    [Fact]
    public void IsValid_BirthDateAfterAsOf_IsInvalid() =>
        Assert.False(IdNumber.IsValid("11010519491231002X", new DateOnly(1949, 12, 30)));

    [Theory]
    [InlineData("130503670401001", "130503196704010016")]
    [InlineData(" 11010519491231002x ", "11010519491231002X")]
    [InlineData("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X")]
    [InlineData("110105 19491231 002X", "11010519491231002X")]
    [InlineData("not an id", "notanid")]
    public void Normalize_FoldsWidthCaseSpacesAndUpgradesLegacyNumbers(string raw, string expected) =>
        Assert.Equal(expected, IdNumber.Normalize(raw));

    [Fact]
    public void ComputeCheckCharacter_MatchesTheStandardsExample() =>
        Assert.Equal('X', IdNumber.ComputeCheckCharacter("11010519491231002"));

    [Fact]
    public void Attributes_OfAValidNumber_AreDecoded()
    {
        Assert.True(IdNumber.TryGetBirthDate("11010519491231002X", out DateOnly birth));
        Assert.Equal(new DateOnly(1949, 12, 31), birth);
        Assert.Equal("女", IdNumber.GetGender("11010519491231002X"));
        Assert.Equal("110105", IdNumber.GetRegion("11010519491231002X"));
        Assert.Equal(80, IdNumber.GetAgeAt("11010519491231002X", new DateOnly(2029, 12, 31)));
        Assert.Equal(79, IdNumber.GetAgeAt("11010519491231002X", new DateOnly(2029, 12, 30)));
    }

    [Fact]
    public void Attributes_OfAnInvalidNumber_AreNull()
    {
        Assert.Null(IdNumber.GetGender("110105194912310021"));
        Assert.Null(IdNumber.GetRegion("110105194912310021"));
        Assert.Null(IdNumber.GetAgeAt("110105194912310021", new DateOnly(2024, 1, 1)));
    }
}
