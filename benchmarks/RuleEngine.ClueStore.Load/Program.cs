// The clue store under a procuratorate's load: 1,000,000 clues raised over 24 monthly runs, a re-run that sees all of
// them again, and K users browsing and updating through the desk on loopback.
//
//   dotnet run -c Release --project benchmarks/RuleEngine.ClueStore.Load -- [--clues N] [--users K] [--iterations I] [--postgres]
//
// Store: a SQLite file in a temporary folder, or with --postgres a fresh database on the server in RE_POSTGRES.
// Month m raises N/24 new clues and sees the previous month's again (so every clue has two sightings); then one run
// produces all N again: the re-run ingestion rate. The desk (samples/ClueDesk, built in Release with this program) is started
// on 127.0.0.1 over that store, and K users each do I rounds of: list a page, open a clue, assign it (an update with
// its version). Latencies are reported as p50/p95 per kind; every response is checked (200, or 302 after a post).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.ClueStore;

int clues = Option("--clues", 1_000_000);
int users = Option("--users", 8);
int iterations = Option("--iterations", 50);
bool postgres = args.Contains("--postgres");
string folder = Directory.CreateTempSubdirectory("cluestore-load-").FullName;
string target = postgres ? await CreateDatabaseAsync() : Path.Combine(folder, "clues.db");
var pool = new List<long>();
Console.WriteLine($"store: {(postgres ? "PostgreSQL" : "SQLite")}, {clues:N0} clues over 24 runs, {Environment.ProcessorCount} cores");

await using (ClueStore store = await ClueStore.OpenAsync(target))
{
    int perMonth = clues / 24;
    var raising = Stopwatch.StartNew();
    long written = 0;
    for (int month = 0; month < 24; month++)
    {
        int first = month * perMonth;
        int count = month == 23 ? clues - first : perMonth;
        int previous = Math.Max(0, first - perMonth);
        written += await RunAsync(store, Enumerable.Range(previous, first - previous).Concat(Enumerable.Range(first, count)), month);
    }

    raising.Stop();
    Console.WriteLine($"24 monthly runs: {written:N0} clue records written ({clues:N0} raised, {written - clues:N0} seen again) in {raising.Elapsed.TotalSeconds:F1} s: {written / raising.Elapsed.TotalSeconds:N0} records/s");

    var rerun = Stopwatch.StartNew();
    StoredRun all = await RunStoredAsync(store, Enumerable.Range(0, clues), 24);
    rerun.Stop();
    Console.WriteLine($"re-run of all {clues:N0} clues: {all.SeenAgain:N0} seen again, {all.NewClues} new, in {rerun.Elapsed.TotalSeconds:F1} s: {clues / rerun.Elapsed.TotalSeconds:N0} records/s");

    // The clues the users will open: ids read from the store at evenly spaced places of the list (ids are not dense).
    for (int i = 0; i < 500; i++)
    {
        pool.Add((await store.ListAsync(new ClueQuery { Offset = (int)((long)i * clues / 500), Limit = 1 }, ClueActor.System("load"))).Items[0].Id);
    }
}

await LoadTestAsync(target, users, iterations, pool);
if (!postgres)
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Console.WriteLine($"SQLite file: {new FileInfo(target).Length / 1048576.0:F0} MB");
}

Directory.Delete(folder, recursive: true);
return 0;

async Task<long> RunAsync(ClueStore store, IEnumerable<int> ids, int month) => (await RunStoredAsync(store, ids, month)) is { } run ? run.NewClues + run.SeenAgain : 0;

async Task<StoredRun> RunStoredAsync(ClueStore store, IEnumerable<int> ids, int month)
{
    await using ClueStoreRun run = await store.BeginRunAsync(new ClueStoreRunInfo
    {
        Region = "330106",
        Models = [.. Enumerable.Range(1, 10).Select(m => new RunModel($"M{m:D2}", "1.0.0", string.Empty))],
        Note = $"month {month + 1}",
    });
    long count = 0;
    foreach (int id in ids)
    {
        await run.WriteAsync(Clue(id, month));
        count++;
    }

    return await run.CompleteAsync(new RunSummary { RecordsRead = count, CluesEmitted = count });
}

static Clue Clue(int id, int month) => new()
{
    ModelId = $"M{id % 10 + 1:D2}",
    RuleId = $"M{id % 10 + 1:D2}.R1",
    RuleVersion = "1.0.0",
    Dataset = "cases",
    Line = id + 2,
    SubjectKey = $"330106********{id % 10_000:D4}",
    Fingerprint = $"fp{id:D9}",
    Title = $"线索 {id}：罚款 {1000 + id % 5000} 元",
    Severity = (ClueSeverity)(id % 3),
    Evidence =
    [
        new EvidenceValue("person_id", $"330106********{id % 10_000:D4}", "cases", id + 2) { Personal = RuleEngine.Schema.PersonalDataKind.IdNumber },
        new EvidenceValue("amount", 1000m + id % 5000, "cases", id + 2) { Material = true },
        new EvidenceValue("decided_on", new DateOnly(2024, 1, 1).AddDays(id % 700), "cases", id + 2),
        new EvidenceValue("month", month + 1, "cases", id + 2),
    ],
    Explanation = [new ConditionOutcome("penalty IN ('行政拘留', '罚款')", true), new ConditionOutcome("amount >= $large_amount", true)],
};

async Task LoadTestAsync(string store, int k, int rounds, List<long> ids)
{
    string desk = Path.Combine(Root(), "samples", "ClueDesk", "bin", "Release", "net10.0", "ClueDesk.dll");
    int port = FreePort();
    string password = "Load-Test-2026!";
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(desk)! };
    foreach (string a in new[] { desk, "--urls", $"http://127.0.0.1:{port}", "--environment", "Production", $"--Desk:Store={store}", $"--Desk:Users={Path.Combine(folder, "users.db")}", $"--Desk:SeedPassword={password}", "--Desk:Models=" + Path.Combine(Root(), "samples", "models"), "--Logging:LogLevel:Default=Warning" })
    {
        start.ArgumentList.Add(a);
    }

    using Process server = Process.Start(start)!;
    try
    {
        await DriveAsync(server, new Uri($"http://127.0.0.1:{port}"), password, k, rounds, ids);
    }
    finally
    {
        // Whatever happened to the load, the desk does not outlive this program.
        server.Kill(entireProcessTree: true);
    }
}

// K users, each signed in once, doing their rounds against the desk at address; prints the latencies.
async Task DriveAsync(Process server, Uri address, string password, int k, int rounds, List<long> ids)
{
    _ = server.StandardError.ReadToEndAsync();
    _ = server.StandardOutput.ReadToEndAsync();

    // Ready when the sign-in page answers (the desk opens the store and seeds its users first).
    using (var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) })
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await probe.GetAsync("/login")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromMinutes(3) && !server.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }
    var list = new List<double>();
    var detail = new List<double>();
    var update = new List<double>();
    var gate = new object();
    var random = new Random(7);
    int[][] picks = [.. Enumerable.Range(0, k).Select(_ => Enumerable.Range(0, rounds).Select(_ => random.Next(1, 1000)).ToArray())];
    var wall = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, k).Select(async user =>
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = address };
        string login = await client.GetStringAsync("/login");
        await Check(await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "admin", ["Password"] = password, ["__RequestVerificationToken"] = Token(login) })), HttpStatusCode.Redirect);
        for (int round = 0; round < rounds; round++)
        {
            int pick = picks[user][round];
            var timer = Stopwatch.StartNew();
            await Check(await client.GetAsync($"/?page={pick}"), HttpStatusCode.OK);
            double listed = timer.Elapsed.TotalMilliseconds;
            timer.Restart();
            long clueId = ids[pick % ids.Count];
            HttpResponseMessage page = await client.GetAsync($"/clues/{clueId}");
            string html = await Check(page, HttpStatusCode.OK);
            double detailed = timer.Elapsed.TotalMilliseconds;
            double? updated = null;
            Match version = Regex.Match(html, "handler=Assign\"[^>]*><input type=\"hidden\" name=\"version\" value=\"(\\d+)\"");
            if (version.Success)
            {
                timer.Restart();
                await Check(await client.PostAsync($"/clues/{clueId}?handler=Assign", new FormUrlEncodedContent(new Dictionary<string, string> { ["assignee"] = $"检察官{user}", ["version"] = version.Groups[1].Value, ["__RequestVerificationToken"] = Token(html) })), HttpStatusCode.OK);
                updated = timer.Elapsed.TotalMilliseconds;
            }

            lock (gate)
            {
                list.Add(listed);
                detail.Add(detailed);
                if (updated is { } u)
                {
                    update.Add(u);
                }
            }
        }
    }));
    wall.Stop();
    Console.WriteLine($"desk on loopback, {k} users × {rounds} rounds in {wall.Elapsed.TotalSeconds:F1} s ({(list.Count + detail.Count + update.Count) / wall.Elapsed.TotalSeconds:F0} requests/s):");
    Console.WriteLine($"  list   p50 {Percentile(list, 50):F1} ms, p95 {Percentile(list, 95):F1} ms ({list.Count})");
    Console.WriteLine($"  detail p50 {Percentile(detail, 50):F1} ms, p95 {Percentile(detail, 95):F1} ms ({detail.Count})");
    Console.WriteLine($"  update p50 {Percentile(update, 50):F1} ms, p95 {Percentile(update, 95):F1} ms ({update.Count})");
}

static async Task<string> Check(HttpResponseMessage response, HttpStatusCode expected)
{
    string body = await response.Content.ReadAsStringAsync();
    if (response.StatusCode != expected)
    {
        throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}.");
    }

    return body;
}

static string Token(string html) => Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

static double Percentile(List<double> values, int percent)
{
    if (values.Count == 0)
    {
        return double.NaN;
    }

    double[] sorted = [.. values.Order()];
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1)];
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string Root()
{
    string? directory = AppContext.BaseDirectory;
    while (directory is not null && !File.Exists(Path.Combine(directory, "RuleEngine.sln")))
    {
        directory = Path.GetDirectoryName(directory);
    }

    return directory ?? throw new InvalidOperationException("RuleEngine.sln not found.");
}

int Option(string name, int fallback) =>
    Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

async Task<string> CreateDatabaseAsync()
{
    string server = Environment.GetEnvironmentVariable("RE_POSTGRES") ?? throw new InvalidOperationException("--postgres needs RE_POSTGRES (a connection string).");
    string name = "clue_load_" + Guid.NewGuid().ToString("N")[..8];
    await using var connection = new NpgsqlConnection(server);
    await connection.OpenAsync();
    await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
    await create.ExecuteNonQueryAsync();
    return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
}
