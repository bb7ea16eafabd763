/*
# A model written as a C# script: the metadata is YAML inside this comment, the rule is the code below it.
# Scripts are for what the condition language cannot say well; here, a table of rates by date.
id: M14
version: "1.0.0"
name: 民间借贷利率超过一年期 LPR 四倍监督模型（按 LPR 历史表）
status: listed
branch: 民事
supervision_point: 民间借贷约定利率超过合同成立时一年期贷款市场报价利率四倍
legal_basis:
  - law: 最高人民法院关于审理民间借贷案件适用法律若干问题的规定
    article: 第二十五条
    text: 出借人请求借款人按照合同约定利率支付利息的，人民法院应予支持，但是双方约定的利率超过合同成立时一年期贷款市场报价利率四倍的除外。
owner_org: 某市人民检察院
region: "330600"
authors: [民事检察部门]
description: >-
  M01 以固定的 4 × 3.85% 为上限；LPR 逐期下调后，上限应按合同成立时的 LPR 计算。本模型按 LPR 历史表取立案日
  生效的一年期 LPR（导出数据无合同成立日期，以立案日期代替），约定年利率超过其四倍的列为线索。
parameters:
  loan_causes:
    type: string[]
    default: [民间借贷纠纷, 借款合同纠纷]
    justification: 民事案件案由规定中借款合同纠纷项下与民间借贷相关的案由。
from: lending_suits
clue:
  title: 约定年利率超过立案时一年期 LPR 四倍，案号 {case_no}
  evidence: [case_no, plaintiff_id, filing_date, annual_rate]
  severity: medium
  action: 调阅卷宗，核对合同成立日期与当时的 LPR，审查判决是否支持了超过上限的利息
tests:
  - name: 2023 年立案时上限为 14.6%，15.4% 报；2021 年上限为 15.4%，不报；非借贷案由不报
    records:
      lending_suits:
        - {case_no: (2023)浙0602民初3001号, cause: 民间借贷纠纷, plaintiff_id: 370101190102039973, annual_rate: 0.154, filing_date: 2023-03-19}
        - {case_no: (2021)浙0602民初3002号, cause: 民间借贷纠纷, plaintiff_id: 11010519491231002X, annual_rate: 0.154, filing_date: 2021-11-21}
        - {case_no: (2023)浙0602民初3003号, cause: 买卖合同纠纷, plaintiff_id: 513101198201130014, annual_rate: 0.36, filing_date: 2023-03-19}
    expect:
      - rule: M14
        subject: 370101190102039973
        evidence: {annual_rate: 0.154, filing_date: 2023-03-19}
*/
// One-year LPR published by the National Interbank Funding Center, from the day each rate took effect.
(DateOnly From, decimal Rate)[] lpr =
[
    (new DateOnly(2019, 8, 20), 0.0425m), (new DateOnly(2019, 9, 20), 0.0420m), (new DateOnly(2019, 11, 20), 0.0415m),
    (new DateOnly(2020, 2, 20), 0.0405m), (new DateOnly(2020, 4, 20), 0.0385m), (new DateOnly(2021, 12, 20), 0.0380m),
    (new DateOnly(2022, 1, 20), 0.0370m), (new DateOnly(2022, 8, 22), 0.0365m), (new DateOnly(2023, 6, 20), 0.0355m),
    (new DateOnly(2023, 8, 21), 0.0345m), (new DateOnly(2024, 7, 22), 0.0335m), (new DateOnly(2024, 10, 21), 0.0310m),
    (new DateOnly(2025, 5, 20), 0.0300m),
];

if (!p.LoanCauses.Contains(r.Cause) || r.FilingDate is not { } filed || r.AnnualRate is not { } rate)
{
    return false;
}

decimal inForce = 0m;
foreach ((DateOnly from, decimal value) in lpr)
{
    if (from <= filed)
    {
        inForce = value;
    }
}

// Before the LPR reform (2019-08-20) the cap was set differently; those suits are left to M01.
return inForce > 0m && rate > 4 * inForce;
