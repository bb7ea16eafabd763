using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

public class SmokeTests
{
    [Fact]
    public async Task RunAsync_CsvWithOneMatchingRow_EmitsOneClue()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("cause = '民间借贷纠纷' AND amount >= 10000"));
        string csv = "case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n"
            + "（2016）浙0624民初1234号,民间借贷纠纷,11010519491231002X,张三丰,13800138000,30000.00,,,true,2016-11-09,李四;王五\n"
            + "（2016）浙0624民初1235号,借款合同纠纷,11010519491231002X,张三丰,13800138000,30000.00,,,false,2016-11-10,\n";
        var (clues, summary) = await TestRules.RunAsync(rules, TestRules.Csv(csv));
        Assert.Single(clues);
        Assert.Equal(2, summary.RecordsRead);
        Assert.Equal("110105********002X", clues[0].SubjectKey);
    }
}
