using Microsoft.AspNetCore.Identity;
using RuleEngine;
using RuleEngine.ClueStore;
using RuleEngine.Records;
using RuleEngine.Yaml;

namespace ClueDesk.Desk;

/// <summary>
/// The first start of a sample desk: five users (one per role, two regions) and two runs of the sample models — the
/// bundled data as Hangzhou Xihu's (330106), and generated data as Beijing Chaoyang's (110105) — so a user can take a
/// clue through its whole life and see that the other region's clues are not theirs.
/// </summary>
public static class DeskSeeder
{
    /// <summary>The seeded users: name, display name, role, region.</summary>
    public static readonly (string UserName, string DisplayName, string Role, string? Region)[] Users =
    [
        ("admin", "系统管理员", DeskRoles.Admin, null),
        ("zhejiang", "浙江省院督导", DeskRoles.Supervisor, "330000"),
        ("xihu", "西湖区院检察官", DeskRoles.Prosecutor, "330106"),
        ("xihu.analyst", "西湖区院数据分析员", DeskRoles.Analyst, "330106"),
        ("chaoyang", "朝阳区院检察官", DeskRoles.Prosecutor, "110105"),
    ];

    public static async Task SeedUsersAsync(IServiceProvider services, string password, ILogger logger)
    {
        RoleManager<IdentityRole> roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        UserManager<DeskUser> users = services.GetRequiredService<UserManager<DeskUser>>();
        foreach (string role in DeskRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        foreach ((string userName, string displayName, string role, string? region) in Users)
        {
            if (await users.FindByNameAsync(userName) is not null)
            {
                continue;
            }

            var user = new DeskUser { UserName = userName, DisplayName = displayName, Region = region, LockoutEnabled = true };
            IdentityResult created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Seeding user {userName} failed: {string.Join("; ", created.Errors.Select(e => e.Description))}");
            }

            await users.AddToRoleAsync(user, role);
            logger.LogInformation("Seeded user {UserName} ({Role}, region {Region})", userName, role, region ?? "all");
        }
    }

    public static async Task SeedRunsAsync(ClueStore store, ModelCatalog catalog, string sampleData, ILogger logger, CancellationToken cancellationToken)
    {
        if ((await store.ListRunsAsync(1, cancellationToken)).Count > 0 || catalog.Models.HasErrors || !Directory.Exists(sampleData))
        {
            return;
        }

        await RunAsync(store, catalog.Models, sampleData, "330106", "样例数据（西湖区）", logger, cancellationToken);
        string generated = Directory.CreateTempSubdirectory("cluedesk-seed-").FullName;
        try
        {
            ModelDataGenerator.Generate(catalog.Models, generated, new DataGenerationOptions { RecordsPerModel = 300, Seed = 2 });
            await RunAsync(store, catalog.Models, generated, "110105", "生成数据（朝阳区）", logger, cancellationToken);
        }
        finally
        {
            Directory.Delete(generated, recursive: true);
        }
    }

    private static async Task RunAsync(ClueStore store, ModelSet models, string folder, string region, string note, ILogger logger, CancellationToken cancellationToken)
    {
        RuleSet rules = models.Compile(new ModelCompileOptions { Region = region });
        var sources = new List<RecordSource>();
        var inputs = new List<RunInput>();
        foreach (DatasetDefinition dataset in models.Datasets.Values.OrderBy(d => d.Schema.Name, StringComparer.Ordinal))
        {
            if (dataset.FindDataFile(folder) is { } file)
            {
                sources.Add(dataset.Open(file));
                using FileStream content = File.OpenRead(file);
                inputs.Add(new RunInput(dataset.Schema.Name, Path.GetFileName(file), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))));
            }
        }

        // Revealed, so the desk has personal values for permitted users to reveal; lists show them masked.
        await using ClueStoreRun run = await store.BeginRunAsync(
            new ClueStoreRunInfo
            {
                Region = region,
                Models = [.. models.Models.Select(m => new RunModel(m.Id, m.Version, string.Empty))],
                Inputs = inputs,
                PersonalDataRevealed = true,
                Note = note,
            },
            cancellationToken);
        RunSummary summary = await rules.RunAsync(sources, run, new RunOptions { RevealPersonalData = true }, cancellationToken);
        StoredRun stored = await run.CompleteAsync(summary, cancellationToken);
        logger.LogInformation("Seeded run {RunId} for region {Region}: {NewClues} clues", stored.Id, region, stored.NewClues);
    }
}
