using ClueDesk.Desk;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RuleEngine.ClueStore;

namespace ClueDesk.Pages;

/// <summary>Sign-in: Identity's password check with lockout after repeated failures; every attempt is audited.</summary>
public sealed class LoginModel(SignInManager<DeskUser> signIn, ClueStore store) : PageModel
{
    [BindProperty]
    public string UserName { get; set; } = string.Empty;

    [BindProperty]
    public string Password { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Message { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Microsoft.AspNetCore.Identity.SignInResult result = await signIn.PasswordSignInAsync(UserName.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        var actor = new ClueActor(UserName.Trim(), Address: HttpContext.Connection.RemoteIpAddress?.ToString());
        if (result.Succeeded)
        {
            await store.AuditAsync(actor, "sign_in");
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }

        await store.AuditAsync(actor, result.IsLockedOut ? "sign_in_locked" : "sign_in_failed");
        Message = result.IsLockedOut ? "账户因多次登录失败已被锁定，请稍后再试。" : "用户名或密码不正确。";
        return Page();
    }
}
