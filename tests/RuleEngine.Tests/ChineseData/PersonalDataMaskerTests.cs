using RuleEngine.ChineseData;
using RuleEngine.Schema;

namespace RuleEngine.Tests.ChineseData;

public class PersonalDataMaskerTests
{
    [Theory]
    [InlineData("110105199001011234", PersonalDataKind.IdNumber, "110105********1234")]
    [InlineData("110105900101123", PersonalDataKind.IdNumber, "110105******123")]
    [InlineData("12345", PersonalDataKind.IdNumber, "****")]
    [InlineData("张三丰", PersonalDataKind.Name, "张*丰")]
    [InlineData("张三", PersonalDataKind.Name, "张*")]
    [InlineData("欧阳娜娜", PersonalDataKind.Name, "欧**娜")]
    [InlineData("张", PersonalDataKind.Name, "*")]
    [InlineData("13800138000", PersonalDataKind.Phone, "138****8000")]
    [InlineData("5551234", PersonalDataKind.Phone, "****")]
    [InlineData("住址：某街道", PersonalDataKind.Other, "****")]
    [InlineData("公开值", PersonalDataKind.None, "公开值")]
    public void Mask_EachKind_HidesTheMiddle(string value, PersonalDataKind kind, string expected) =>
        Assert.Equal(expected, PersonalDataMasker.Mask(value, kind));

    [Theory]
    [InlineData("110105199001011234", PersonalDataKind.IdNumber)]
    [InlineData("110105900101123", PersonalDataKind.IdNumber)]
    [InlineData("张三丰", PersonalDataKind.Name)]
    [InlineData("13800138000", PersonalDataKind.Phone)]
    public void Mask_AppliedTwice_IsIdempotent(string value, PersonalDataKind kind)
    {
        string once = PersonalDataMasker.Mask(value, kind)!;
        Assert.Equal(once, PersonalDataMasker.Mask(once, kind));
    }

    [Fact]
    public void Mask_Null_StaysNull() => Assert.Null(PersonalDataMasker.Mask(null, PersonalDataKind.IdNumber));
}
