using ClueDesk.Desk;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RuleEngine.ChineseData;
using RuleEngine.ClueStore;
using RuleEngine.Yaml;

namespace ClueDesk.Pages;

/// <summary>
/// A clue: evidence under the dataset's own field names (personal values masked unless the user reveals them, which
/// is audited), why the rule fired, the model's legal basis, every run that produced it, its history, and the actions
/// the user's role allows from its state. Another region's clue is 404, as a clue that does not exist.
/// </summary>
public sealed class ClueModel(ClueStore store, ModelCatalog catalog, IAuthorizationService authorization) : PageModel
{
    public ClueDetail? Detail { get; private set; }

    public ClueSighting? Latest => Detail?.Sightings.FirstOrDefault();

    public SupervisionModel? Supervision => Detail is null ? null : catalog.Model(Detail.Clue.ModelId);

    public bool Revealed { get; private set; }

    public bool CanAct { get; private set; }

    public bool CanAssign { get; private set; }

    public bool CanReveal { get; private set; }

    public string? Message { get; private set; }

    public bool Failed { get; private set; }

    /// <summary>An event's action as the history shows it.</summary>
    public static string ActionName(string action) => action switch
    {
        "raised" => "模型发现",
        "reopened" => "关键证据变化，重新开启",
        "not_reproduced" => "最近运行未复现",
        "assigned" => "分派",
        "verifying" => "开始核查",
        "confirmed" => "成案",
        "rejected" => "不成案",
        "followed_up" => "办结",
        _ => action,
    };

    public string FieldName(StoredEvidence evidence) => catalog.FieldName(evidence.Dataset, evidence.Field);

    public string? Shown(StoredEvidence evidence) => Revealed ? evidence.Value : PersonalDataMasker.Mask(evidence.Value, evidence.Personal);

    public Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) => LoadAsync(id, cancellationToken);

    public Task<IActionResult> OnPostAssignAsync(long id, string assignee, long version, CancellationToken cancellationToken) =>
        ActAsync(id, DeskPolicies.Assign, actor => store.AssignAsync(id, assignee, actor, version, cancellationToken), "已分派。", cancellationToken);

    public Task<IActionResult> OnPostVerifyAsync(long id, long version, CancellationToken cancellationToken) =>
        ActAsync(id, DeskPolicies.Act, actor => store.StartVerifyingAsync(id, actor, version, cancellationToken), "已开始核查。", cancellationToken);

    public Task<IActionResult> OnPostConfirmAsync(long id, string document, string number, DateOnly issued, long version, CancellationToken cancellationToken) =>
        ActAsync(
            id,
            DeskPolicies.Act,
            actor => store.ConfirmAsync(id, ClueDocumentTypes.Find(document) ?? throw new ClueStoreException(ClueStoreErrorCodes.InvalidArgument, "未知的文书类型。"), number, issued, actor, version, cancellationToken),
            "已成案。",
            cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(long id, RejectionReason reason, string? note, long version, CancellationToken cancellationToken) =>
        ActAsync(id, DeskPolicies.Act, actor => store.RejectAsync(id, reason, note, DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().DateTime), actor, version, cancellationToken), "已作不成案处理。", cancellationToken);

    public Task<IActionResult> OnPostFollowUpAsync(long id, string reply, long version, CancellationToken cancellationToken) =>
        ActAsync(id, DeskPolicies.Act, actor => store.RecordFollowUpAsync(id, reply, actor, version, cancellationToken), "已办结。", cancellationToken);

    public async Task<IActionResult> OnPostRevealAsync(long id, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, DeskPolicies.Reveal)).Succeeded)
        {
            return Forbid();
        }

        IActionResult page = await LoadAsync(id, cancellationToken);
        if (Detail is not null)
        {
            await store.AuditAsync(DeskActor.For(HttpContext), "reveal", id, cancellationToken: cancellationToken);
            Revealed = true;
        }

        return page;
    }

    private async Task<IActionResult> ActAsync(long id, string policy, Func<ClueActor, Task<StoredClue>> action, string done, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, policy)).Succeeded)
        {
            return Forbid();
        }

        try
        {
            await action(DeskActor.For(HttpContext));
            Message = done;
        }
        catch (ClueStoreException e) when (e.Code == ClueStoreErrorCodes.NotFound)
        {
            return NotFound();
        }
        catch (ClueStoreException e)
        {
            Failed = true;
            Message = e.Code switch
            {
                ClueStoreErrorCodes.Conflict => "该线索已被他人修改，请查看最新状态后重试。",
                ClueStoreErrorCodes.InvalidTransition => "当前状态下不能进行该操作。",
                _ => "输入有误：" + e.Message,
            };
        }

        return await LoadAsync(id, cancellationToken);
    }

    private async Task<IActionResult> LoadAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            Detail = await store.GetAsync(id, DeskActor.For(HttpContext), cancellationToken);
        }
        catch (ClueStoreException e) when (e.Code == ClueStoreErrorCodes.NotFound)
        {
            return NotFound();
        }

        CanAct = (await authorization.AuthorizeAsync(User, DeskPolicies.Act)).Succeeded;
        CanAssign = (await authorization.AuthorizeAsync(User, DeskPolicies.Assign)).Succeeded;
        CanReveal = (await authorization.AuthorizeAsync(User, DeskPolicies.Reveal)).Succeeded;
        return Page();
    }
}
