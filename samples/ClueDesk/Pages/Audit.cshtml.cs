using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RuleEngine.ClueStore;

namespace ClueDesk.Pages;

/// <summary>The audit log, newest first, for administrators (the page's policy); there is nothing to edit.</summary>
public sealed class AuditModel(ClueStore store) : PageModel
{
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        Entries = await store.ReadAuditAsync((PageNumber - 1) * 100, 100, cancellationToken);
    }
}
