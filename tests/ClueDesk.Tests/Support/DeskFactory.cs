using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RuleEngine.ClueStore;

namespace ClueDesk.Tests.Support;

/// <summary>
/// A seeded desk of its own: store and users in a temporary folder, the repository's sample models and data, and a
/// logger that keeps every message, so a test can read what the desk would have logged.
/// </summary>
public sealed partial class DeskFactory : WebApplicationFactory<Program>
{
    public const string Password = "Test-Desk-2026!";

    private readonly string _folder = Directory.CreateTempSubdirectory("cluedesk-").FullName;

    public ConcurrentQueue<string> Logs { get; } = new();

    public string UsersDatabase => Path.Combine(_folder, "users.db");

    public ClueStore Store => Services.GetRequiredService<ClueStore>();

    /// <summary>Clues of a region, for tests that need one's id.</summary>
    public async Task<IReadOnlyList<StoredClue>> CluesAsync(string region, ClueState? state = null) =>
        (await Store.ListAsync(new ClueQuery { States = state is { } s ? [s] : [], Limit = 1000 }, new ClueActor("test", region))).Items;

    /// <summary>A client that keeps cookies and does not follow redirects, signed in as <paramref name="user"/> when given.</summary>
    public async Task<HttpClient> ClientAsync(string? user = null)
    {
        HttpClient client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (user is not null)
        {
            HttpResponseMessage signedIn = await SignInAsync(client, user, Password);
            if (signedIn.StatusCode != HttpStatusCode.Redirect)
            {
                throw new InvalidOperationException($"Signing in as {user} failed: {signedIn.StatusCode}");
            }
        }

        return client;
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password)
    {
        string token = await TokenAsync(client, "/login");
        return await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    /// <summary>The antiforgery token of the first form on a page.</summary>
    public static async Task<string> TokenAsync(HttpClient client, string page)
    {
        string html = await client.GetStringAsync(page);
        return TokenField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"No antiforgery token on {page}.");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        string root = RepositoryRoot();
        builder.UseEnvironment("Production");
        builder.UseSetting("Desk:Store", Path.Combine(_folder, "clues.db"));
        builder.UseSetting("Desk:Users", UsersDatabase);
        builder.UseSetting("Desk:Models", Path.Combine(root, "samples", "models"));
        builder.UseSetting("Desk:SampleData", Path.Combine(root, "samples", "data"));
        builder.UseSetting("Desk:SeedPassword", Password);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new KeepingLoggerProvider(Logs)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a finishing host; the temporary folder goes with the machine.
            }
        }
    }

    internal static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RuleEngine.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("RuleEngine.sln not found.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private sealed class KeepingLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new KeepingLogger(categoryName, logs);

        public void Dispose()
        {
        }
    }

    private sealed class KeepingLogger(string category, ConcurrentQueue<string> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
