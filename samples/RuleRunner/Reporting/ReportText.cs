using System.Globalization;

namespace RuleRunner.Reporting;

/// <summary>The report's words, in Chinese (for the prosecutors who read it) or English.</summary>
internal sealed class ReportText
{
    private static readonly Dictionary<string, (string Zh, string En)> Words = new(StringComparer.Ordinal)
    {
        ["title"] = ("法律监督线索报告", "Clue report"),
        ["run"] = ("运行信息", "The run"),
        ["no-run"] = ("线索文件旁没有运行记录（.run.json），无法说明生成线索的模型与数据。", "No run record (.run.json) beside the clue file: the models and data behind the clues are not known."),
        ["run-time"] = ("运行时间", "Run time"),
        ["region"] = ("适用地区", "Region"),
        ["region-none"] = ("未指定（参数取默认值）", "none (default parameter values)"),
        ["parameters"] = ("参数调整", "Parameter overrides"),
        ["parameters-none"] = ("无", "none"),
        ["counts"] = ("数据与结果", "Counts"),
        ["counts-format"] = ("读取记录 {0} 条，拒收 {1} 条，规则出错 {2} 次，线索 {3} 条", "{0} records read, {1} rejected, {2} rule errors, {3} clues"),
        ["input"] = ("数据集", "Dataset"),
        ["file"] = ("文件", "File"),
        ["size"] = ("字节", "Bytes"),
        ["version"] = ("版本", "Version"),
        ["models"] = ("监督模型", "Models"),
        ["supervision-point"] = ("监督点", "Supervision point"),
        ["legal-basis"] = ("法律依据", "Legal basis"),
        ["per-model"] = ("各模型线索数", "Clues per model"),
        ["per-branch"] = ("各业务条线线索数", "Clues per branch"),
        ["per-severity"] = ("各等级线索数", "Clues per severity"),
        ["hit-rates"] = ("成案率", "Hit rates"),
        ["model"] = ("模型", "Model"),
        ["confirmed"] = ("成案", "Confirmed"),
        ["rejected"] = ("不成案", "Rejected"),
        ["hit-rate"] = ("成案率", "Hit rate"),
        ["clues"] = ("线索", "Clues"),
        ["search"] = ("按模型、规则、标题、主体检索全部线索…", "search all clues by model, rule, title, subject…"),
        ["shown"] = ("显示", "shown"),
        ["table-limit"] = ("表中列出前 {0} 条的详情；检索覆盖全部线索", "the table details the first {0}; search covers every clue"),
        ["rule"] = ("规则", "Rule"),
        ["severity"] = ("等级", "Severity"),
        ["clue"] = ("线索", "Clue"),
        ["subject"] = ("主体", "Subject"),
        ["record"] = ("来源记录", "Record"),
        ["field"] = ("字段", "Field"),
        ["value"] = ("值", "Value"),
        ["from"] = ("来源", "From"),
        ["action"] = ("建议措施", "Action"),
    };

    private ReportText(bool chinese) => Chinese = chinese;

    public bool Chinese { get; }

    public string Language => Chinese ? "zh-CN" : "en";

    public string this[string key] => Chinese ? Words[key].Zh : Words[key].En;

    /// <summary>The words of a language: <c>zh</c> (the default) or <c>en</c>; <see langword="null"/> for another.</summary>
    public static ReportText? For(string language) => language switch
    {
        "zh" or "zh-CN" => new ReportText(chinese: true),
        "en" => new ReportText(chinese: false),
        _ => null,
    };

    public string Severity(string severity) => severity switch
    {
        "high" => Chinese ? "高" : "high",
        "medium" => Chinese ? "中" : "medium",
        "low" => Chinese ? "低" : "low",
        _ => severity,
    };

    public string Truth(string value) => !Chinese ? value : value switch
    {
        "true" => "成立",
        "false" => "不成立",
        "unknown" => "未知（数据为空）",
        _ => value,
    };

    public string Count(long count, string what) => Chinese
        ? count.ToString("N0", CultureInfo.InvariantCulture) + (what == "models" ? " 个模型" : " 条线索")
        : count.ToString("N0", CultureInfo.InvariantCulture) + " " + what;
}
