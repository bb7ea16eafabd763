using System.Globalization;
using System.Net;
using System.Text;

namespace RuleRunner.Reporting;

/// <summary>What the report knows of a model beyond its clues (from the model files, when given).</summary>
internal sealed record ModelInfo(string Name, string Branch);

/// <summary>
/// One self-contained HTML file (no network: inline CSS, inline SVG charts, a few lines of script for filtering):
/// counts per model, branch and severity as charts, hit rates where verification outcomes are given, and the clue
/// table with each clue's evidence and explanation, personal values masked.
/// </summary>
internal static class HtmlReport
{
    public const int MaxRows = 5000;

    public static string Render(string source, IEnumerable<ClueRow> clues, IReadOnlyDictionary<string, ModelInfo> models, IReadOnlyDictionary<string, string> outcomes)
    {
        var perModel = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var perBranch = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var perSeverity = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var verified = new SortedDictionary<string, (long Confirmed, long Rejected)>(StringComparer.Ordinal);
        var rows = new List<ClueRow>();
        long total = 0;
        foreach (ClueRow clue in clues)
        {
            total++;
            perModel[clue.Model] = perModel.GetValueOrDefault(clue.Model) + 1;
            string branch = models.TryGetValue(clue.Model, out ModelInfo? info) ? info.Branch : "—";
            perBranch[branch] = perBranch.GetValueOrDefault(branch) + 1;
            perSeverity[clue.Severity] = perSeverity.GetValueOrDefault(clue.Severity) + 1;
            if (outcomes.TryGetValue(clue.Fingerprint, out string? outcome) && outcome is "confirmed" or "rejected")
            {
                (long confirmed, long rejected) = verified.GetValueOrDefault(clue.Model);
                verified[clue.Model] = outcome == "confirmed" ? (confirmed + 1, rejected) : (confirmed, rejected + 1);
            }

            if (rows.Count < MaxRows)
            {
                rows.Add(clue);
            }
        }

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>RuleEngine clue report</title>\n<style>")
            .Append(Style)
            .Append("</style>\n</head>\n")
            .Append(CultureInfo.InvariantCulture, $"<body data-total-clues=\"{total}\">\n<h1>Clue report</h1>\n<p class=\"source\">{E(Path.GetFileName(source))} · {total} clues · {perModel.Count} models</p>\n");

        html.Append("<section class=\"charts\">\n");
        Chart(html, "per-model", "Clues per model", perModel.Select(m => (m.Key, models.TryGetValue(m.Key, out ModelInfo? info) ? $"{m.Key} {info.Name}" : m.Key, m.Value)));
        Chart(html, "per-branch", "Clues per branch", perBranch.Select(b => (b.Key, b.Key, b.Value)));
        Chart(html, "per-severity", "Clues per severity", perSeverity.Select(s => (s.Key, s.Key, s.Value)));
        html.Append("</section>\n");

        if (verified.Count > 0)
        {
            html.Append("<h2>Hit rates</h2>\n<table id=\"hit-rates\"><thead><tr><th>model</th><th>confirmed</th><th>rejected</th><th>hit rate</th></tr></thead><tbody>\n");
            foreach ((string model, (long confirmed, long rejected)) in verified)
            {
                double rate = (double)confirmed / (confirmed + rejected);
                html.Append(CultureInfo.InvariantCulture, $"<tr data-model=\"{E(model)}\"><td>{E(model)}</td><td>{confirmed}</td><td>{rejected}</td><td>{rate:P0}</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        html.Append("<h2>Clues</h2>\n<p><input id=\"filter\" type=\"search\" placeholder=\"filter by model, rule, title…\"> <span id=\"shown-count\"></span> shown");
        if (total > rows.Count)
        {
            html.Append(CultureInfo.InvariantCulture, $" (the table lists the first {rows.Count} of {total})");
        }

        html.Append("</p>\n<table id=\"clues\"><thead><tr><th>#</th><th>model</th><th>rule</th><th>severity</th><th>clue</th><th>subject</th><th>record</th></tr></thead><tbody>\n");
        foreach (ClueRow clue in rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"clue\" data-model=\"{E(clue.Model)}\"><td>{clue.Number}</td><td>{E(clue.Model)}</td><td>{E(clue.Rule)}</td><td class=\"{E(clue.Severity)}\">{E(clue.Severity)}</td><td><details><summary>{E(clue.Title)}</summary>");
            html.Append("<table class=\"evidence\"><tr><th>field</th><th>value</th><th>from</th></tr>");
            foreach ((string field, string value, string dataset, long line) in clue.Evidence)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(field)}</td><td>{E(value)}</td><td>{E(dataset)}:{line}</td></tr>");
            }

            html.Append("</table><ul class=\"explanation\">");
            foreach ((string condition, string value) in clue.Explanation)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li class=\"{(value == "true" ? "held" : "other")}\"><code>{E(condition)}</code> → {E(value)}</li>");
            }

            html.Append("</ul>");
            if (clue.Action is { Length: > 0 } action)
            {
                html.Append("<p class=\"action\">").Append(E(action)).Append("</p>");
            }

            html.Append(CultureInfo.InvariantCulture, $"</details></td><td>{E(clue.Subject)}</td><td>{E(clue.Dataset)}:{clue.Line}</td></tr>\n");
        }

        html.Append("</tbody></table>\n<script>").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A horizontal bar chart as inline SVG; each bar carries its key and count for readers and tests.</summary>
    private static void Chart(StringBuilder html, string id, string title, IEnumerable<(string Key, string Label, long Count)> bars)
    {
        List<(string Key, string Label, long Count)> items = [.. bars];
        long max = Math.Max(1, items.Count == 0 ? 1 : items.Max(b => b.Count));
        const int Row = 22;
        html.Append(CultureInfo.InvariantCulture, $"<figure id=\"{id}\"><figcaption>{E(title)}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"{(items.Count * Row) + 4}\" role=\"img\" aria-label=\"{E(title)}\">");
        for (int i = 0; i < items.Count; i++)
        {
            (string key, string label, long count) = items[i];
            double width = 260.0 * count / max;
            int y = i * Row;
            html.Append(CultureInfo.InvariantCulture, $"<g class=\"bar\" data-key=\"{E(key)}\" data-count=\"{count}\"><text x=\"0\" y=\"{y + 15}\">{E(Shorten(label))}</text><rect x=\"220\" y=\"{y + 3}\" width=\"{width:0.#}\" height=\"16\"></rect><text x=\"{226 + width:0.#}\" y=\"{y + 15}\">{count}</text></g>");
        }

        html.Append("</svg></figure>\n");
    }

    private static string Shorten(string label) => label.Length <= 16 ? label : label[..15] + "…";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
        h1{margin:0 0 4px}.source{color:#666;margin-top:0}
        .charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{font-weight:600;margin-bottom:6px}
        svg text{font-size:12px;fill:#333}svg rect{fill:#3b6ea5}
        table{border-collapse:collapse;margin:8px 0}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
        td.high{color:#b00020;font-weight:600}td.medium{color:#a05a00}td.low{color:#555}
        table.evidence td,table.evidence th{border:none;padding:1px 8px 1px 0;font-size:13px}
        ul.explanation{margin:4px 0;padding-left:18px;font-size:13px}li.other{color:#a00}
        .action{font-size:13px;color:#333;margin:4px 0}#filter{padding:4px 8px;width:280px}
        """;

    private const string Script = """
        (function () {
          var rows = Array.prototype.slice.call(document.querySelectorAll('#clues tbody tr.clue'));
          var shown = document.getElementById('shown-count');
          function update() {
            var text = document.getElementById('filter').value.toLowerCase();
            var count = 0;
            rows.forEach(function (row) {
              var visible = text === '' || row.textContent.toLowerCase().indexOf(text) >= 0;
              row.style.display = visible ? '' : 'none';
              if (visible) { count++; }
            });
            shown.textContent = String(count);
          }
          document.getElementById('filter').addEventListener('input', update);
          update();
        })();
        """;
}
