using ClueDesk.Desk;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using RuleEngine.ClueStore;

// The clue desk: prosecutors verify the clues of their region, take them through their life, and see how each model
// fares. Server-rendered Razor Pages over the clue store; users, roles, password hashes and lockout from ASP.NET Core
// Identity. `dotnet run` on a fresh clone seeds a sample desk (docs/clue-desk.md).
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
DeskOptions desk = builder.Configuration.GetSection("Desk").Get<DeskOptions>() ?? new DeskOptions();
string root = builder.Environment.ContentRootPath;
string storeTarget = DeskOptions.Resolve(desk.Store, root);
string usersTarget = DeskOptions.Resolve(desk.Users, root);
foreach (string file in new[] { storeTarget, usersTarget }.Where(t => !t.Contains("Host=", StringComparison.OrdinalIgnoreCase)))
{
    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
}

builder.Services.AddSingleton(desk);

// Chinese as characters in the HTML, not numeric references (Razor still encodes what HTML needs encoded).
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
builder.Services.AddDbContext<DeskUsersDb>(o =>
{
    if (usersTarget.Contains("Host=", StringComparison.OrdinalIgnoreCase))
    {
        o.UseNpgsql(usersTarget);
    }
    else
    {
        o.UseSqlite($"Data Source={usersTarget}");
    }
});
builder.Services.AddIdentity<DeskUser, IdentityRole>(o =>
    {
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = desk.MaxFailedSignIns;
        o.Lockout.DefaultLockoutTimeSpan = desk.LockoutTime;
        o.Password.RequiredLength = 10;
        o.User.RequireUniqueEmail = false;
        o.SignIn.RequireConfirmedAccount = false;
    })
    .AddEntityFrameworkStores<DeskUsersDb>()
    .AddClaimsPrincipalFactory<DeskClaimsFactory>();
builder.Services.ConfigureApplicationCookie(o =>
{
    o.LoginPath = "/login";
    o.LogoutPath = "/logout";
    o.AccessDeniedPath = "/status/403";
    o.Cookie.Name = "cluedesk";
    o.Cookie.HttpOnly = true;
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.ExpireTimeSpan = TimeSpan.FromHours(8);
    o.SlidingExpiration = true;
});
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
    .AddPolicy(DeskPolicies.Act, p => p.RequireRole(DeskRoles.Prosecutor, DeskRoles.Supervisor, DeskRoles.Admin))
    .AddPolicy(DeskPolicies.Assign, p => p.RequireRole(DeskRoles.Supervisor, DeskRoles.Admin))
    .AddPolicy(DeskPolicies.Reveal, p => p.RequireRole(DeskRoles.Supervisor, DeskRoles.Admin))
    .AddPolicy(DeskPolicies.Audit, p => p.RequireRole(DeskRoles.Admin));
builder.Services.AddRazorPages(o =>
{
    o.Conventions.AuthorizePage("/Audit", DeskPolicies.Audit);
    o.Conventions.AllowAnonymousToPage("/Login");
    o.Conventions.AllowAnonymousToPage("/Status");
});

ClueStore store = await ClueStore.OpenAsync(storeTarget);
builder.Services.AddSingleton(store);
builder.Services.AddSingleton(ModelCatalog.Load(DeskOptions.Resolve(desk.Models, root)));

WebApplication app = builder.Build();
using (IServiceScope scope = app.Services.CreateScope())
{
    ILogger logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("ClueDesk.Seed");
    await scope.ServiceProvider.GetRequiredService<DeskUsersDb>().Database.EnsureCreatedAsync();
    if (desk.Seed)
    {
        await DeskSeeder.SeedUsersAsync(scope.ServiceProvider, desk.SeedPassword, logger);
        await DeskSeeder.SeedRunsAsync(store, scope.ServiceProvider.GetRequiredService<ModelCatalog>(), DeskOptions.Resolve(desk.SampleData, root), logger, app.Lifetime.ApplicationStopping);
    }
}

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/status/500");
}

app.UseStatusCodePagesWithReExecute("/status/{0}");
app.Use(async (context, next) =>
{
    // No framing, no sniffing, nothing from elsewhere: the pages carry their own CSS and no script.
    context.Response.Headers.XFrameOptions = "DENY";
    context.Response.Headers.XContentTypeOptions = "nosniff";
    context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'";
    context.Response.Headers["Referrer-Policy"] = "no-referrer";
    await next();
});
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();
app.MapGet("/export", ClueDesk.Pages.Export.HandleAsync);
app.Lifetime.ApplicationStopped.Register(() => store.DisposeAsync().AsTask().GetAwaiter().GetResult());
await app.RunAsync();

/// <summary>The desk's entry point, visible to the tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
