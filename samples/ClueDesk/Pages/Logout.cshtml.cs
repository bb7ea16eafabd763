using ClueDesk.Desk;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ClueDesk.Pages;

/// <summary>Sign-out, by POST only (with the antiforgery token of the layout's form).</summary>
public sealed class LogoutModel(SignInManager<DeskUser> signIn) : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/login");
    }
}
