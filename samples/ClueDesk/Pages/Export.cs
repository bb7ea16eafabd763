using ClueDesk.Desk;
using MiniExcelLibs;
using RuleEngine.ClueStore;

namespace ClueDesk.Pages;

/// <summary>
/// <c>GET /export</c>: the filtered list as an Excel workbook — the same filters and the same region scope as the
/// list, masked titles, at most <see cref="MaxRows"/> rows — written to the audit log with its filter and count.
/// </summary>
public static class Export
{
    internal const int MaxRows = 50_000;

    public static async Task<IResult> HandleAsync(HttpContext context, ClueStore store, string? model, ClueState? state, string? q, bool? gone, CancellationToken cancellationToken)
    {
        ClueActor actor = DeskActor.For(context);
        ClueQuery query = IndexModel.Query(model, state, q, gone == true);
        var rows = new List<Dictionary<string, object?>>();
        for (int offset = 0; offset < MaxRows; offset += 1000)
        {
            CluePage page = await store.ListAsync(query with { Offset = offset, Limit = 1000 }, actor, cancellationToken);
            rows.AddRange(page.Items.Select(c => new Dictionary<string, object?>
            {
                ["编号"] = c.Id,
                ["状态"] = ClueLifecycle.ChineseName(c.State),
                ["模型"] = c.ModelId,
                ["规则"] = c.RuleId,
                ["标题"] = Defused(c.Title),
                ["辖区"] = c.Region,
                ["首次发现（运行）"] = c.FirstRunId,
                ["最近发现（运行）"] = c.LastRunId,
                ["承办人"] = c.Assignee,
                ["文书"] = c.DocumentType is null ? null : $"{c.DocumentType} {c.DocumentNumber}",
                ["回复期限"] = c.DueOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            }));
            if (page.Items.Count < 1000)
            {
                break;
            }
        }

        await store.AuditAsync(actor, "export", detail: $"{rows.Count} clue(s); filter: {IndexModel.QueryFor(model, state, q, gone == true)}", cancellationToken: cancellationToken);
        var workbook = new MemoryStream();
        await workbook.SaveAsAsync(rows, sheetName: "线索", cancellationToken: cancellationToken);
        workbook.Position = 0;
        return Results.File(workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "clues.xlsx");
    }

    /// <summary>Text a spreadsheet would take for a formula is prefixed with an apostrophe.</summary>
    private static string Defused(string text) => text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;
}
