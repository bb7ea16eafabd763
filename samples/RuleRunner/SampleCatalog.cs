using RuleEngine;
using RuleEngine.Schema;

namespace RuleRunner;

/// <summary>
/// The bundled sample models (domain.md M01, M02, M05), written in code until YAML model files arrive.
/// Each rule reads one pre-joined export; the data under samples/data plants hits and near misses for each.
/// </summary>
internal static class SampleCatalog
{
    public static IReadOnlyList<DatasetSchema> Datasets { get; } =
    [
        DatasetSchema.Create("dui_cases")
            .Add("person_id", FieldType.IdNumber, source: "公民身份号码")
            .Add("name", FieldType.String, PersonalDataKind.Name, source: "姓名")
            .Add("case_no", FieldType.CaseNo, source: "案号")
            .Add("subtype", FieldType.String, source: "情形")
            .Add("bac", FieldType.Decimal, source: "血液酒精含量")
            .Add("operating_vehicle", FieldType.Bool, source: "营运车辆")
            .Add("disposition", FieldType.String, source: "处理结果")
            .Add("effective_date", FieldType.Date, source: "生效日期")
            .Add("licence_status", FieldType.String, source: "驾驶证状态")
            .Add("licence_status_date", FieldType.Date, source: "状态变更日期")
            .Key("person_id")
            .Build(),
        DatasetSchema.Create("lending_suits")
            .Add("case_no", FieldType.CaseNo)
            .Add("cause", FieldType.String)
            .Add("plaintiff_id", FieldType.IdNumber)
            .Add("plaintiff_name", FieldType.String, PersonalDataKind.Name)
            .Add("claim_amount", FieldType.Decimal)
            .Add("annual_rate", FieldType.Decimal)
            .Add("filing_date", FieldType.Date)
            .Add("default_judgment", FieldType.Bool)
            .Add("public_notice_service", FieldType.Bool)
            .Add("closing_mode", FieldType.String)
            .Add("plaintiff_agent", FieldType.String)
            .Key("plaintiff_id")
            .Build(),
        DatasetSchema.Create("allowance_payments")
            .Add("person_id", FieldType.IdNumber, source: "person.id")
            .Add("name", FieldType.String, PersonalDataKind.Name, source: "person.name")
            .Add("allowance_type", FieldType.String, source: "payment.type")
            .Add("paid_month", FieldType.Date, source: "payment.month")
            .Add("amount", FieldType.Decimal, source: "payment.amount")
            .Add("death_date", FieldType.Date)
            .Add("village", FieldType.String)
            .Key("person_id")
            .Build(),
    ];

    public static IReadOnlyList<RuleDefinition> Rules { get; } =
    [
        new("M02.R1", "dui_cases", "subtype = '醉酒驾驶' AND disposition IN ('有罪判决', '相对不起诉') AND licence_status NOT IN ('吊销', '注销')")
        {
            Clue = new ClueSpec { Title = "醉驾人员 {name} 驾驶证未吊销，案号 {case_no}" },
        },
        new("M02.R2", "dui_cases", "subtype = '醉酒驾驶' AND licence_status = '吊销' AND days_between(effective_date, licence_status_date) > 30")
        {
            Clue = new ClueSpec { Title = "醉驾人员 {name} 驾驶证吊销迟延，案号 {case_no}" },
        },
        new("M02.DQ", "dui_cases", "subtype = '醉酒驾驶' AND bac < 80")
        {
            Clue = new ClueSpec { Title = "醉酒驾驶案件血液酒精含量低于 80mg/100ml，数据待核，案号 {case_no}" },
        },
        new("M01.E1", "lending_suits", "cause IN ('民间借贷纠纷', '借款合同纠纷') AND annual_rate > 0.154")
        {
            Clue = new ClueSpec { Title = "民间借贷年利率超过 4 倍 LPR，案号 {case_no}", Evidence = ["case_no", "plaintiff_id", "annual_rate", "claim_amount"] },
        },
        new("M01.E2", "lending_suits", "cause IN ('民间借贷纠纷', '借款合同纠纷') AND default_judgment AND public_notice_service AND closing_mode = '判决' AND claim_amount >= 100000")
        {
            Clue = new ClueSpec { Title = "公告送达缺席判决的大额借贷案件，案号 {case_no}" },
        },
        new("M05.R1", "allowance_payments", "death_date IS NOT NULL AND paid_month > death_date")
        {
            Clue = new ClueSpec { Title = "死亡后仍发放{allowance_type}：{name}" },
        },
        new("M05.E1", "allowance_payments", "allowance_type = '高龄津贴' AND id_age_at(person_id, paid_month) < 80")
        {
            Clue = new ClueSpec { Title = "未满 80 周岁领取高龄津贴：{name}" },
        },
    ];
}
