using ClueDesk.Desk;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RuleEngine.ClueStore;

namespace ClueDesk.Pages;

/// <summary>Hit rates and rejection reasons per model and version, over the user's region.</summary>
public sealed class DashboardModel(ClueStore store) : PageModel
{
    public IReadOnlyList<ModelHitRate> Rates { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Rates = await store.HitRatesAsync(DeskActor.For(HttpContext), cancellationToken);
}
