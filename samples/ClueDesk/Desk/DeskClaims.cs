using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RuleEngine.ClueStore;

namespace ClueDesk.Desk;

/// <summary>Puts the user's region and display name into their sign-in cookie, beside Identity's name and roles.</summary>
public sealed class DeskClaimsFactory(UserManager<DeskUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<DeskUser, IdentityRole>(users, roles, options)
{
    public const string RegionClaim = "desk:region";
    public const string DisplayNameClaim = "desk:display_name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(DeskUser user)
    {
        ClaimsIdentity identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(DisplayNameClaim, user.DisplayName));
        if (user.Region is { Length: > 0 } region)
        {
            identity.AddClaim(new Claim(RegionClaim, region));
        }

        return identity;
    }
}

/// <summary>The signed-in user as the clue store sees them: their name, their region scope, their address.</summary>
public static class DeskActor
{
    /// <summary>
    /// The user's <see cref="ClueActor"/>. A user without a region claim is unscoped only when they are an
    /// administrator; anyone else without a region sees nothing (a scope no region code starts with).
    /// </summary>
    public static ClueActor For(HttpContext context)
    {
        ClaimsPrincipal user = context.User;
        string name = $"{user.FindFirstValue(DeskClaimsFactory.DisplayNameClaim)} ({user.Identity?.Name})";
        string? region = user.FindFirstValue(DeskClaimsFactory.RegionClaim);
        string? scope = region ?? (user.IsInRole(DeskRoles.Admin) ? null : "none");
        return new ClueActor(name, scope, context.Connection.RemoteIpAddress?.ToString());
    }
}
