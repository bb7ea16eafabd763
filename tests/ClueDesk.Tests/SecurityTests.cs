using System.Net;
using System.Text.RegularExpressions;
using ClueDesk.Desk;
using ClueDesk.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using RuleEngine.ClueStore;

namespace ClueDesk.Tests;

/// <summary>The desk lets no one see or do what they should not: authentication everywhere, regions, CSRF, lockout, logs.</summary>
public sealed class SecurityTests : IClassFixture<DeskFactory>
{
    private readonly DeskFactory _desk;

    public SecurityTests(DeskFactory desk) => _desk = desk;

    [Fact]
    public async Task Every_route_but_sign_in_and_the_status_page_requires_a_signed_in_user()
    {
        using HttpClient anonymous = await _desk.ClientAsync();
        RouteEndpoint[] endpoints = [.. _desk.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

        string[] open = [.. endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Order(StringComparer.Ordinal)];
        Assert.Equal(["/login", "/status/{code:int}"], open);
        Assert.True(endpoints.Length >= 7, string.Join(", ", endpoints.Select(e => e.RoutePattern.RawText)));
        foreach (RouteEndpoint endpoint in endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            string path = Regex.Replace(endpoint.RoutePattern.RawText!, @"\{[^}]+\}", "1");
            path = path.StartsWith('/') ? path : "/" + path;
            foreach (HttpMethod method in new[] { HttpMethod.Get, HttpMethod.Post })
            {
                using HttpResponseMessage response = await anonymous.SendAsync(new HttpRequestMessage(method, path));
                bool toSignIn = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/login", StringComparison.Ordinal);
                bool refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound;
                Assert.True(toSignIn || refused, $"{method} {path} answered {(int)response.StatusCode} to a user who is not signed in.");
                Assert.DoesNotContain("线索", response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : string.Empty, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Another_regions_clue_is_not_found_by_url_by_action_by_reveal_nor_in_an_export()
    {
        long hangzhou = (await _desk.CluesAsync("330106"))[0].Id;
        using HttpClient chaoyang = await _desk.ClientAsync("chaoyang");
        using HttpClient admin = await _desk.ClientAsync("admin");

        using HttpResponseMessage page = await chaoyang.GetAsync($"/clues/{hangzhou}");
        string token = await DeskFactory.TokenAsync(chaoyang, "/");
        using HttpResponseMessage verify = await chaoyang.PostAsync($"/clues/{hangzhou}?handler=Verify", Form(token, ("version", "1")));
        using HttpResponseMessage reveal = await admin.GetAsync($"/clues/{hangzhou}");
        byte[] export = await chaoyang.GetByteArrayAsync("/export");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, verify.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
        Assert.Equal(ClueState.Generated, (await _desk.Store.GetAsync(hangzhou, ClueActor.System("test"))).Clue.State);
        var rows = new MemoryStream(export).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("110105", r["辖区"]?.ToString()));
        Assert.DoesNotContain(rows, r => Convert.ToInt64(r["编号"], System.Globalization.CultureInfo.InvariantCulture) == hangzhou);
    }

    [Fact]
    public async Task A_state_change_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        long id = (await _desk.CluesAsync("330106", ClueState.Generated))[^1].Id;
        using HttpClient supervisor = await _desk.ClientAsync("zhejiang");

        using HttpResponseMessage forged = await supervisor.PostAsync($"/clues/{id}?handler=Assign", Form(null, ("assignee", "某人"), ("version", "1")));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(ClueState.Generated, (await _desk.Store.GetAsync(id, ClueActor.System("test"))).Clue.State);
    }

    [Fact]
    public async Task An_analyst_may_read_but_not_act_nor_reveal()
    {
        long id = (await _desk.CluesAsync("330106", ClueState.Generated))[^2].Id;
        using HttpClient analyst = await _desk.ClientAsync("xihu.analyst");
        string token = await DeskFactory.TokenAsync(analyst, "/");

        using HttpResponseMessage read = await analyst.GetAsync($"/clues/{id}");
        using HttpResponseMessage assign = await analyst.PostAsync($"/clues/{id}?handler=Assign", Form(token, ("assignee", "x"), ("version", "1")));
        using HttpResponseMessage reveal = await analyst.PostAsync($"/clues/{id}?handler=Reveal", Form(token));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.DoesNotContain("id=\"assign\"", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("/status/403", assign.Headers.Location?.OriginalString ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("/status/403", reveal.Headers.Location?.OriginalString ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(ClueState.Generated, (await _desk.Store.GetAsync(id, ClueActor.System("test"))).Clue.State);
    }

    [Fact]
    public async Task A_supervisor_sees_personal_values_masked_until_revealing_them_and_the_reveal_is_audited()
    {
        StoredClue clue = (await _desk.CluesAsync("330106")).First(c => c.ModelId == "M02");
        string id = (await _desk.Store.GetAsync(clue.Id, ClueActor.System("test"))).Sightings[0].Evidence.Single(e => e.Field == "person_id").Value!;
        using HttpClient supervisor = await _desk.ClientAsync("zhejiang");

        string masked = await supervisor.GetStringAsync($"/clues/{clue.Id}");
        using HttpResponseMessage revealed = await supervisor.PostAsync($"/clues/{clue.Id}?handler=Reveal", Form(await DeskFactory.TokenAsync(supervisor, $"/clues/{clue.Id}")));

        Assert.DoesNotContain(id, masked, StringComparison.Ordinal);
        Assert.Contains(RuleEngine.ChineseData.PersonalDataMasker.MaskIdNumber(id), masked, StringComparison.Ordinal);
        Assert.Contains(id, await revealed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(await _desk.Store.ReadAuditAsync(limit: 1000), a => a.Action == "reveal" && a.ClueId == clue.Id && a.Actor.Contains("zhejiang", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        using (IServiceScope scope = _desk.Services.CreateScope())
        {
            UserManager<DeskUser> users = scope.ServiceProvider.GetRequiredService<UserManager<DeskUser>>();
            var user = new DeskUser { UserName = "locked.user", DisplayName = "锁定测试", Region = "330106", LockoutEnabled = true };
            Assert.True((await users.CreateAsync(user, DeskFactory.Password)).Succeeded);
            await users.AddToRoleAsync(user, DeskRoles.Analyst);
        }

        using HttpClient client = await _desk.ClientAsync();
        DeskOptions options = _desk.Services.GetRequiredService<DeskOptions>();
        for (int i = 0; i < options.MaxFailedSignIns; i++)
        {
            using HttpResponseMessage wrong = await DeskFactory.SignInAsync(client, "locked.user", "not-the-password");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using HttpResponseMessage right = await DeskFactory.SignInAsync(client, "locked.user", DeskFactory.Password);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("已被锁定", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(await _desk.Store.ReadAuditAsync(limit: 1000), a => a.Action == "sign_in_locked" && a.Actor == "locked.user");
    }

    [Fact]
    public async Task Passwords_are_stored_as_the_frameworks_salted_hashes()
    {
        await _desk.ClientAsync("xihu");
        await using var connection = new SqliteConnection($"Data Source={_desk.UsersDatabase}");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT PasswordHash FROM AspNetUsers";
        var hashes = new List<string>();
        await using (SqliteDataReader reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                hashes.Add(reader.GetString(0));
            }
        }

        var hasher = new PasswordHasher<DeskUser>();
        Assert.True(hashes.Count >= DeskSeeder.Users.Length);
        Assert.All(hashes, h => Assert.DoesNotContain(DeskFactory.Password, h, StringComparison.Ordinal));
        Assert.All(hashes, h => Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(new DeskUser(), h, DeskFactory.Password)));
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
    }

    [Fact]
    public async Task Filter_text_that_looks_like_sql_is_only_ever_a_value()
    {
        using HttpClient client = await _desk.ClientAsync("admin");

        using HttpResponseMessage injected = await client.GetAsync("/?q=" + Uri.EscapeDataString("' OR 1=1 --") + "&model=" + Uri.EscapeDataString("x'; DROP TABLE clues; --"));
        string html = await injected.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, injected.StatusCode);
        Assert.Contains("共 0 条", html, StringComparison.Ordinal);
        Assert.True((await _desk.Store.ListAsync(new ClueQuery(), ClueActor.System("test"))).Total > 0);
    }

    [Fact]
    public async Task No_personal_value_reaches_the_logs()
    {
        using HttpClient supervisor = await _desk.ClientAsync("zhejiang");
        StoredClue clue = (await _desk.CluesAsync("330106")).First(c => c.ModelId == "M02");
        await supervisor.PostAsync($"/clues/{clue.Id}?handler=Reveal", Form(await DeskFactory.TokenAsync(supervisor, $"/clues/{clue.Id}")));
        await supervisor.GetStringAsync("/export");
        string[] personal = [.. (await _desk.Store.GetAsync(clue.Id, ClueActor.System("test"))).Sightings[0].Evidence
            .Where(e => e.Personal != RuleEngine.Schema.PersonalDataKind.None && e.Value is { Length: > 1 }).Select(e => e.Value!)];

        using HttpClient analyst = await _desk.ClientAsync("xihu.analyst");
        string pages = await analyst.GetStringAsync("/") + await analyst.GetStringAsync($"/clues/{clue.Id}");
        Assert.DoesNotMatch(@"\d{17}[\dXx]", pages);
        Assert.NotEmpty(personal);
        Assert.NotEmpty(_desk.Logs);
        Assert.DoesNotContain(_desk.Logs, l => Regex.IsMatch(l, @"\d{17}[\dXx]"));
        Assert.DoesNotContain(_desk.Logs, l => personal.Any(p => l.Contains(p, StringComparison.Ordinal)));
    }

    private static FormUrlEncodedContent Form(string? token, params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Concat(token is null ? [] : [new KeyValuePair<string, string>("__RequestVerificationToken", token)]));
}
