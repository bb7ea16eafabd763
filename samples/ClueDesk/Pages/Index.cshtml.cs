using ClueDesk.Desk;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RuleEngine.ClueStore;

namespace ClueDesk.Pages;

/// <summary>The clue list: the user's region's clues, filtered and paged in the store (never loaded whole).</summary>
public sealed class IndexModel(ClueStore store, ModelCatalog catalog) : PageModel
{
    internal const int PageSize = 50;

    [FromQuery(Name = "model")]
    public string? ModelFilter { get; set; }

    [FromQuery(Name = "state")]
    public ClueState? StateFilter { get; set; }

    [FromQuery(Name = "q")]
    public string? Text { get; set; }

    [FromQuery(Name = "gone")]
    public bool NotReproduced { get; set; }

    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public CluePage Clues { get; private set; } = new([], 0);

    public long PageCount => Math.Max(1, (Clues.Total + PageSize - 1) / PageSize);

    public IEnumerable<string> ModelIds => catalog.Models.Models.Select(m => m.Id).Order(StringComparer.Ordinal);

    public string QueryString => QueryFor(ModelFilter, StateFilter, Text, NotReproduced);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        Clues = await store.ListAsync(Query(ModelFilter, StateFilter, Text, NotReproduced) with { Offset = (PageNumber - 1) * PageSize, Limit = PageSize }, DeskActor.For(HttpContext), cancellationToken);
    }

    internal static ClueQuery Query(string? model, ClueState? state, string? text, bool notReproduced) => new()
    {
        ModelId = string.IsNullOrWhiteSpace(model) ? null : model.Trim(),
        States = state is { } s ? [s] : [],
        TitleContains = string.IsNullOrWhiteSpace(text) ? null : text.Trim(),
        Reproduced = notReproduced ? false : null,
    };

    internal static string QueryFor(string? model, ClueState? state, string? text, bool notReproduced) =>
        string.Join('&', new[]
        {
            model is { Length: > 0 } ? "model=" + Uri.EscapeDataString(model) : null,
            state is { } s ? "state=" + s : null,
            text is { Length: > 0 } ? "q=" + Uri.EscapeDataString(text) : null,
            notReproduced ? "gone=true" : null,
        }.OfType<string>());
}
