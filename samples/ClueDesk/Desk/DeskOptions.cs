namespace ClueDesk.Desk;

/// <summary>The desk's settings (section <c>Desk</c>): where its store, users and models are, and whether to seed them.</summary>
public sealed class DeskOptions
{
    /// <summary>Gets or sets the clue store: a SQLite file (relative to the content root) or a PostgreSQL connection string (Host=…).</summary>
    public string Store { get; set; } = "App_Data/clues.db";

    /// <summary>Gets or sets the users' database: a SQLite file or a PostgreSQL connection string.</summary>
    public string Users { get; set; } = "App_Data/desk-users.db";

    /// <summary>Gets or sets the model folder, for the Chinese field names and legal basis the desk shows.</summary>
    public string Models { get; set; } = "../models";

    /// <summary>Gets or sets the sample data the first start runs the models over.</summary>
    public string SampleData { get; set; } = "../data";

    /// <summary>Gets or sets whether an empty desk is seeded with sample users and two sample runs.</summary>
    public bool Seed { get; set; } = true;

    /// <summary>Gets or sets the password of the seeded users (a sample: change it, or seed nothing, anywhere real).</summary>
    public string SeedPassword { get; set; } = "ClueDesk-2026!";

    /// <summary>Gets or sets how many failed sign-ins lock an account.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>Gets or sets how long a locked account stays locked.</summary>
    public TimeSpan LockoutTime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A path relative to the content root, or a connection string as it is.</summary>
    internal static string Resolve(string value, string contentRoot) =>
        value.Contains("Host=", StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(value) ? value : Path.GetFullPath(Path.Combine(contentRoot, value));
}
