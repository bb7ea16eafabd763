using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ClueDesk.Desk;

/// <summary>A desk user: an ASP.NET Core Identity user with the division code of their office.</summary>
public sealed class DeskUser : IdentityUser
{
    /// <summary>Gets or sets the name shown in the clues' history (李检察官).</summary>
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>Gets or sets the office's division code (330106); <see langword="null"/> for administrators, who see every region.</summary>
    public string? Region { get; set; }
}

/// <summary>The users' database: Identity's tables (users, password hashes, roles, lockout), on SQLite or PostgreSQL.</summary>
public sealed class DeskUsersDb(DbContextOptions<DeskUsersDb> options) : IdentityDbContext<DeskUser>(options);

/// <summary>The desk's roles and what each may do.</summary>
public static class DeskRoles
{
    /// <summary>Reads clues, the dashboard, and exports lists.</summary>
    public const string Analyst = "analyst";

    /// <summary>Verifies clues: starts verification, confirms, rejects, records follow-ups.</summary>
    public const string Prosecutor = "prosecutor";

    /// <summary>A prosecutor who also assigns clues and may reveal personal values.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Every region, the audit log, and every action.</summary>
    public const string Admin = "admin";

    /// <summary>All roles.</summary>
    public static readonly string[] All = [Analyst, Prosecutor, Supervisor, Admin];
}

/// <summary>The authorization policies the pages use.</summary>
public static class DeskPolicies
{
    /// <summary>Verify, confirm, reject, follow up.</summary>
    public const string Act = "act";

    /// <summary>Assign clues.</summary>
    public const string Assign = "assign";

    /// <summary>Reveal personal values of a clue's evidence.</summary>
    public const string Reveal = "reveal";

    /// <summary>Read the audit log.</summary>
    public const string Audit = "audit";
}
