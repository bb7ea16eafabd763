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
    [InlineData("证号11010519491231002X，电话13800138000", PersonalDataKind.Text)]
    [InlineData("证号11010519491231002X", PersonalDataKind.None)]
    public void Mask_AppliedTwice_IsIdempotent(string value, PersonalDataKind kind)
    {
        string once = PersonalDataMasker.Mask(value, kind)!;
        Assert.Equal(once, PersonalDataMasker.Mask(once, kind));
    }

    [Theory]
    [InlineData("被告人张某（公民身份号码11010519491231002X）于2024年", "被告人张某（公民身份号码110105********002X）于2024年")]
    [InlineData("身份证号１１０１０５１９４９１２３１００２Ｘ，住", "身份证号１１０１０５********００２Ｘ，住")] // full-width digits
    [InlineData("号码110105199001011235有误", "号码110105********1235有误")] // a wrong check digit: declared text masks it all the same
    [InlineData("旧证110105491231002", "旧证110105******002")]
    [InlineData("电话13800138000、15912345678", "电话138****8000、159****5678")]
    [InlineData("Tel13800138000", "Tel138****8000")]
    [InlineData("决定书编号20240101000012345678901", "决定书编号20240101000012345678901")] // 23 digits: no person's number
    [InlineData("罚款2000元，12345678901号", "罚款2000元，12345678901号")] // 11 digits not starting 13–19
    public void MaskText_MasksTheIdAndPhoneNumbersInsideFreeText(string text, string expected) =>
        Assert.Equal(expected, PersonalDataMasker.MaskText(text));

    [Theory]
    [InlineData("当事人11010519491231002X到场", "当事人110105********002X到场")]
    [InlineData("号码110105199001011235有误", "号码110105199001011235有误")] // not a valid ID number: may be any 18-digit code
    [InlineData("电话13800138000", "电话13800138000")] // a phone is not recognised with certainty outside declared text
    public void Mask_TextNotDeclaredPersonal_MasksOnlyTheValidIdNumbersItMentions(string text, string expected) =>
        Assert.Equal(expected, PersonalDataMasker.Mask(text, PersonalDataKind.None));

    [Fact]
    public void MaskText_WithNothingToMask_ReturnsTheSameText()
    {
        string text = "醉酒驾驶，血液酒精含量156mg/100ml";
        Assert.Same(text, PersonalDataMasker.MaskText(text));
        Assert.Same(text, PersonalDataMasker.Mask(text, PersonalDataKind.None));
    }

    [Fact]
    public void Mask_Null_StaysNull() => Assert.Null(PersonalDataMasker.Mask(null, PersonalDataKind.IdNumber));
}
