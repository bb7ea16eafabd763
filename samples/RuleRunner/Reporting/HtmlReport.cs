using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace RuleRunner.Reporting;

/// <summary>What the report knows of a model beyond its clues (from the model files, when given).</summary>
internal sealed record ModelInfo(string Name, string Version, string Branch, string? SupervisionPoint, IReadOnlyList<string> LegalBasis);

/// <summary>
/// One self-contained HTML file (no network: inline CSS, inline SVG charts, a few lines of script for searching), in
/// Chinese by default: what produced the clues (the run's record beside the clue file), each model with its
/// supervision point and legal basis, counts per model, branch and severity, hit rates where verification outcomes are
/// given, and the clues with their evidence under the datasets' own column names, personal values masked. It prints on
/// A4 with one clue per block.
/// </summary>
internal static class HtmlReport
{
    public const int DefaultTableRows = 5000;

    private static readonly string[] SeverityOrder = ["high", "medium", "low"];

    public static string Render(string source, IEnumerable<ClueRow> clues, IReadOnlyDictionary<string, ModelInfo> models, IReadOnlyDictionary<string, string> outcomes, IReadOnlyDictionary<(string Dataset, string Field), string> fieldLabels, RunRecord? run, ReportText text, int tableRows)
    {
        var perModel = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var perBranch = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var perSeverity = new Dictionary<string, long>(StringComparer.Ordinal);
        var verified = new SortedDictionary<string, (long Confirmed, long Rejected)>(StringComparer.Ordinal);
        var rows = new List<ClueRow>();
        var index = new List<string[]>();
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

            if (rows.Count < tableRows)
            {
                rows.Add(clue);
            }
            else
            {
                // Beyond the table: what search needs to find and list them.
                index.Add([clue.Number.ToString(CultureInfo.InvariantCulture), clue.Model, clue.Rule, text.Severity(clue.Severity), clue.Title, clue.Subject, $"{clue.Dataset}:{clue.Line}"]);
            }
        }

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{text.Language}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{E(text["title"])}</title>\n<style>")
            .Append(Style)
            .Append("</style>\n</head>\n")
            .Append(CultureInfo.InvariantCulture, $"<body data-total-clues=\"{total}\">\n<h1>{E(text["title"])}</h1>\n<p class=\"source\">{E(Path.GetFileName(source))} · {E(text.Count(total, "clues"))} · {E(text.Count(perModel.Count, "models"))}</p>\n");

        RunSection(html, run, text);
        ModelSection(html, perModel, models, text);

        html.Append("<section class=\"charts\">\n");
        Chart(html, "per-model", text["per-model"], perModel.Select(m => (m.Key, models.TryGetValue(m.Key, out ModelInfo? info) ? $"{m.Key} {info.Name}" : m.Key, m.Value)));
        Chart(html, "per-branch", text["per-branch"], perBranch.Select(b => (b.Key, b.Key, b.Value)));
        Chart(html, "per-severity", text["per-severity"], perSeverity.OrderBy(s => Rank(s.Key)).Select(s => (s.Key, text.Severity(s.Key), s.Value)));
        html.Append("</section>\n");

        if (verified.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(text["hit-rates"])}</h2>\n<table id=\"hit-rates\"><thead><tr><th>{E(text["model"])}</th><th>{E(text["confirmed"])}</th><th>{E(text["rejected"])}</th><th>{E(text["hit-rate"])}</th></tr></thead><tbody>\n");
            foreach ((string model, (long confirmed, long rejected)) in verified)
            {
                double rate = (double)confirmed / (confirmed + rejected);
                html.Append(CultureInfo.InvariantCulture, $"<tr data-model=\"{E(model)}\"><td>{E(model)}</td><td>{confirmed}</td><td>{rejected}</td><td>{rate:P0}</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"<h2>{E(text["clues"])}</h2>\n<p class=\"search\"><input id=\"filter\" type=\"search\" placeholder=\"{E(text["search"])}\"> {E(text["shown"])} <span id=\"shown-count\"></span> / {total:N0}");
        if (total > rows.Count)
        {
            html.Append(CultureInfo.InvariantCulture, $" <span class=\"note\">({E(string.Format(CultureInfo.InvariantCulture, text["table-limit"], rows.Count.ToString("N0", CultureInfo.InvariantCulture)))})</span>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</p>\n<table id=\"clues\"><thead><tr><th>#</th><th>{E(text["model"])}</th><th>{E(text["rule"])}</th><th>{E(text["severity"])}</th><th>{E(text["clue"])}</th><th>{E(text["subject"])}</th><th>{E(text["record"])}</th></tr></thead><tbody>\n");
        foreach (ClueRow clue in rows.OrderBy(c => Rank(c.Severity)).ThenBy(c => c.Number))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"clue\" data-model=\"{E(clue.Model)}\"><td>{clue.Number}</td><td>{E(clue.Model)}</td><td>{E(clue.Rule)}</td><td class=\"{E(clue.Severity)}\">{E(text.Severity(clue.Severity))}</td><td><div class=\"clue-title\">{E(clue.Title)}</div><div class=\"more\">");
            html.Append(CultureInfo.InvariantCulture, $"<table class=\"evidence\"><tr><th>{E(text["field"])}</th><th>{E(text["value"])}</th><th>{E(text["from"])}</th></tr>");
            foreach ((string field, string value, string dataset, long line) in clue.Evidence)
            {
                string label = fieldLabels.TryGetValue((dataset, field), out string? known) ? known : field;
                html.Append(CultureInfo.InvariantCulture, $"<tr><td title=\"{E(field)}\">{E(label)}</td><td>{E(value)}</td><td>{E(dataset)}:{line}</td></tr>");
            }

            html.Append("</table><ul class=\"explanation\">");
            foreach ((string condition, string value) in clue.Explanation)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li class=\"{(value == "true" ? "held" : "other")}\"><code>{E(condition)}</code> → {E(text.Truth(value))}</li>");
            }

            html.Append("</ul>");
            if (clue.Action is { Length: > 0 } action)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"action\">{E(text["action"])}：{E(action)}</p>");
            }

            html.Append(CultureInfo.InvariantCulture, $"</div></td><td>{E(clue.Subject)}</td><td>{E(clue.Dataset)}:{clue.Line}</td></tr>\n");
        }

        html.Append("</tbody><tbody id=\"more-matches\"></tbody></table>\n<script type=\"application/json\" id=\"beyond-table\">")
            .Append(JsonSerializer.Serialize(index).Replace("</", "<\\/", StringComparison.Ordinal))
            .Append("</script>\n<script>").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static int Rank(string severity) => Array.IndexOf(SeverityOrder, severity) is int i and >= 0 ? i : SeverityOrder.Length;

    /// <summary>What produced the clues: time, region, parameters, models and inputs by hash, counts.</summary>
    private static void RunSection(StringBuilder html, RunRecord? run, ReportText text)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"run\"><h2>{E(text["run"])}</h2>\n");
        if (run is null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{E(text["no-run"])}</p></section>\n");
            return;
        }

        TimeSpan china = TimeSpan.FromHours(8);
        html.Append("<table class=\"facts\">");
        Fact(html, text["run-time"], $"{run.Started.ToOffset(china):yyyy-MM-dd HH:mm:ss} – {run.Finished.ToOffset(china):HH:mm:ss} (UTC+8)");
        Fact(html, text["region"], run.Region ?? text["region-none"]);
        Fact(html, text["parameters"], run.Parameters.Count == 0 ? text["parameters-none"] : string.Join("; ", run.Parameters));
        Fact(html, text["counts"], string.Format(CultureInfo.InvariantCulture, text["counts-format"], run.Summary.RecordsRead.ToString("N0", CultureInfo.InvariantCulture), run.Summary.RecordsRejected.ToString("N0", CultureInfo.InvariantCulture), run.Summary.RuleErrors.ToString("N0", CultureInfo.InvariantCulture), run.Summary.Clues.ToString("N0", CultureInfo.InvariantCulture)));
        html.Append("</table>\n");
        html.Append(CultureInfo.InvariantCulture, $"<table class=\"hashes\"><thead><tr><th>{E(text["input"])}</th><th>{E(text["file"])}</th><th>{E(text["size"])}</th><th>SHA-256</th></tr></thead><tbody>");
        foreach (RunRecord.InputEntry input in run.Inputs)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(input.Dataset)}</td><td>{E(input.File)}</td><td>{input.Bytes:N0}</td><td><code>{E(input.Sha256)}</code></td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</tbody></table>\n<table class=\"hashes\"><thead><tr><th>{E(text["model"])}</th><th>{E(text["version"])}</th><th>{E(text["file"])}</th><th>SHA-256</th></tr></thead><tbody>");
        foreach (RunRecord.ModelEntry model in run.Models)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(model.Id)} {E(model.Name)}</td><td>{E(model.Version)}</td><td>{E(model.File)}</td><td><code>{E(model.Sha256)}</code></td></tr>");
        }

        html.Append("</tbody></table></section>\n");
    }

    /// <summary>Each model with clues: its name, version, supervision point and legal basis.</summary>
    private static void ModelSection(StringBuilder html, SortedDictionary<string, long> perModel, IReadOnlyDictionary<string, ModelInfo> models, ReportText text)
    {
        if (models.Count == 0)
        {
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<section id=\"models\"><h2>{E(text["models"])}</h2>\n");
        foreach ((string id, long count) in perModel)
        {
            if (!models.TryGetValue(id, out ModelInfo? model))
            {
                continue;
            }

            html.Append(CultureInfo.InvariantCulture, $"<div class=\"model\" data-model=\"{E(id)}\"><h3>{E(id)} {E(model.Name)} <span class=\"note\">v{E(model.Version)} · {E(model.Branch)} · {E(text.Count(count, "clues"))}</span></h3>");
            if (model.SupervisionPoint is { } point)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p><b>{E(text["supervision-point"])}</b>：{E(point)}</p>");
            }

            if (model.LegalBasis.Count > 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p><b>{E(text["legal-basis"])}</b></p><ul class=\"basis\">");
                foreach (string basis in model.LegalBasis)
                {
                    html.Append("<li>").Append(E(basis)).Append("</li>");
                }

                html.Append("</ul>");
            }

            html.Append("</div>\n");
        }

        html.Append("</section>\n");
    }

    private static void Fact(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>");

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
            html.Append(CultureInfo.InvariantCulture, $"<g class=\"bar\" data-key=\"{E(key)}\" data-count=\"{count}\"><text x=\"0\" y=\"{y + 15}\">{E(Shorten(label))}</text><rect x=\"220\" y=\"{y + 3}\" width=\"{width:0.#}\" height=\"16\"></rect><text x=\"{226 + width:0.#}\" y=\"{y + 15}\">{count:N0}</text></g>");
        }

        html.Append("</svg></figure>\n");
    }

    private static string Shorten(string label) => label.Length <= 16 ? label : label[..15] + "…";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:24px;color:#222}
        h1{margin:0 0 4px}.source,.note{color:#666}.source{margin-top:0}h3{margin:12px 0 4px;font-size:16px}
        .charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{font-weight:600;margin-bottom:6px}
        svg text{font-size:12px;fill:#333}svg rect{fill:#3b6ea5}
        table{border-collapse:collapse;margin:8px 0}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
        table.facts th{width:8em;color:#555;font-weight:normal}table.hashes code{font-size:11px;color:#555}
        td.high{color:#b00020;font-weight:600}td.medium{color:#a05a00}td.low{color:#555}
        .clue-title{cursor:pointer}.clue-title::before{content:"▸ ";color:#888}.open .clue-title::before{content:"▾ "}
        .more{display:none}.open .more{display:block}
        table.evidence td,table.evidence th{border:none;padding:1px 8px 1px 0;font-size:13px}
        ul.explanation,ul.basis{margin:4px 0;padding-left:18px;font-size:13px}li.other{color:#a00}
        .action{font-size:13px;color:#333;margin:4px 0}#filter{padding:4px 8px;width:280px}
        @page{size:A4;margin:14mm 12mm}
        @media print{
          body{margin:0;font-size:11pt}.search,#more-matches{display:none}
          .charts{page-break-after:always}#run,#models{page-break-after:always}
          #clues thead{display:none}#clues,#clues tbody,#clues tr.clue,#clues td{display:block;border:none;padding:0}
          #clues tr.clue{page-break-inside:avoid;break-inside:avoid;border:1px solid #999;margin:0 0 8mm;padding:3mm}
          #clues tr.clue td:first-child::before{content:"# "}.more{display:block}.clue-title{font-weight:600}.clue-title::before{content:none}
        }
        """;

    private const string Script = """
        (function () {
          var rows = Array.prototype.slice.call(document.querySelectorAll('#clues tbody tr.clue'));
          var beyond = JSON.parse(document.getElementById('beyond-table').textContent);
          var more = document.getElementById('more-matches');
          var shown = document.getElementById('shown-count');
          rows.forEach(function (row) {
            row.querySelector('.clue-title').addEventListener('click', function () { row.classList.toggle('open'); });
          });
          function update() {
            var text = document.getElementById('filter').value.toLowerCase();
            var count = 0;
            rows.forEach(function (row) {
              var visible = text === '' || row.textContent.toLowerCase().indexOf(text) >= 0;
              row.style.display = visible ? '' : 'none';
              if (visible) { count++; }
            });
            more.textContent = '';
            beyond.forEach(function (clue) {
              if (text === '' || clue.join(' ').toLowerCase().indexOf(text) >= 0) {
                count++;
                if (text !== '' && more.childNodes.length < 500) {
                  var tr = document.createElement('tr');
                  [clue[0], clue[1], clue[2], clue[3], clue[4], clue[5], clue[6]].forEach(function (cell) {
                    var td = document.createElement('td'); td.textContent = cell; tr.appendChild(td);
                  });
                  more.appendChild(tr);
                }
              }
            });
            shown.textContent = String(count);
          }
          document.getElementById('filter').addEventListener('input', update);
          update();
        })();
        """;
}
