using System.Reflection;
using Microsoft.CodeAnalysis;

namespace RuleEngine.Scripting.Compilation;

/// <summary>One line of the allow-list.</summary>
/// <param name="Assembly">The assembly the symbol comes from.</param>
/// <param name="Id">The documentation id (<c>M:System.String.Contains(System.String)</c>), without a trailing <c>(*)</c>.</param>
/// <param name="AllMembers">For a type: every member it declares is allowed too.</param>
/// <param name="AllOverloads">For a member: every overload is allowed.</param>
/// <param name="Denied">The line denies rather than allows.</param>
/// <param name="Note">The note, or for a denial the hint shown to the author.</param>
/// <param name="Line">The 1-based line in the file.</param>
internal sealed record AllowListEntry(string Assembly, string Id, bool AllMembers, bool AllOverloads, bool Denied, string? Note, int Line);

/// <summary>
/// The reviewed list of what a script may use, keyed by documentation id and assembly (<c>allow-list.txt</c>,
/// embedded). Everything it does not name is denied.
/// </summary>
internal sealed class AllowList
{
    private readonly Dictionary<string, AllowListEntry> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AllowListEntry> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AllowListEntry> _denied = new(StringComparer.Ordinal);

    private AllowList(IReadOnlyList<AllowListEntry> entries, string text)
    {
        Entries = entries;
        Text = text;
        foreach (AllowListEntry entry in entries)
        {
            Dictionary<string, AllowListEntry> target = entry.Denied ? _denied : entry.AllOverloads ? _groups : _exact;
            target[entry.Id] = entry;
        }
    }

    /// <summary>Gets the list shipped with the library.</summary>
    public static AllowList Default { get; } = Parse(ReadEmbedded());

    /// <summary>Gets the lines, in file order.</summary>
    public IReadOnlyList<AllowListEntry> Entries { get; }

    /// <summary>Gets the text of the file, for cache keys.</summary>
    public string Text { get; }

    public static AllowList Parse(string text)
    {
        var entries = new List<AllowListEntry>();
        string? assembly = null;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int comment = line.IndexOf(" # ", StringComparison.Ordinal);
            string? note = null;
            if (line.StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            if (comment >= 0)
            {
                note = line[(comment + 3)..].Trim();
                line = line[..comment];
            }

            line = line.Trim();
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                assembly = line[1..^1];
                continue;
            }

            if (assembly is null)
            {
                throw new FormatException($"allow-list line {i + 1}: an entry before any [Assembly] section.");
            }

            bool denied = line.StartsWith('!');
            if (denied)
            {
                int hint = line.IndexOf("  ", StringComparison.Ordinal);
                note = hint < 0 ? null : line[(hint + 2)..].Trim();
                line = hint < 0 ? line[1..] : line[1..hint];
            }

            bool allMembers = line.EndsWith(" *", StringComparison.Ordinal);
            string id = allMembers ? line[..^2].Trim() : line;
            bool allOverloads = id.EndsWith("(*)", StringComparison.Ordinal);
            if (allOverloads)
            {
                id = id[..^3];
            }

            if (id.Length < 3 || id[1] != ':' || "TMPFE".IndexOf(id[0], StringComparison.Ordinal) < 0 || id.Contains(' ', StringComparison.Ordinal))
            {
                throw new FormatException($"allow-list line {i + 1}: '{line}' is not a documentation id.");
            }

            entries.Add(new AllowListEntry(assembly, id, allMembers, allOverloads, denied, note, i + 1));
        }

        return new AllowList(entries, text);
    }

    /// <summary>Checks a type (its definition, not its type arguments).</summary>
    public bool AllowsType(INamedTypeSymbol type) => Find(type.OriginalDefinition, out _) is { Denied: false };

    /// <summary>Checks a member; <paramref name="hint"/> receives the hint of a line that denies it.</summary>
    public bool AllowsMember(ISymbol member, out string? hint)
    {
        hint = null;
        ISymbol definition = member.OriginalDefinition;
        if (Find(definition, out AllowListEntry? denial) is { Denied: false })
        {
            return true;
        }

        hint = denial?.Note;
        return denial is null && definition.ContainingType is { } type && Find(type.OriginalDefinition, out _) is { AllMembers: true, Denied: false };
    }

    /// <summary>The line that decides a symbol: a denial first, then an exact line, then an overload group.</summary>
    private AllowListEntry? Find(ISymbol symbol, out AllowListEntry? denial)
    {
        denial = null;
        string? id = symbol.GetDocumentationCommentId();
        string? assembly = symbol.ContainingAssembly?.Identity.Name;
        if (id is null || assembly is null)
        {
            return null;
        }

        string group = GroupOf(id);
        if ((_denied.TryGetValue(id, out AllowListEntry? denied) || _denied.TryGetValue(group, out denied)) && denied.Assembly == assembly)
        {
            denial = denied;
            return denied;
        }

        if (_exact.TryGetValue(id, out AllowListEntry? exact) && exact.Assembly == assembly)
        {
            return exact;
        }

        return _groups.TryGetValue(group, out AllowListEntry? overloads) && overloads.Assembly == assembly ? overloads : null;
    }

    /// <summary>The id without parameters or generic arity: <c>M:System.Linq.Enumerable.Any``1(...)</c> → <c>M:System.Linq.Enumerable.Any</c>.</summary>
    internal static string GroupOf(string id)
    {
        int paren = id.IndexOf('(', StringComparison.Ordinal);
        string name = paren < 0 ? id : id[..paren];
        int arity = name.LastIndexOf("``", StringComparison.Ordinal);
        return arity > name.LastIndexOf('.') ? name[..arity] : name;
    }

    private static string ReadEmbedded()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("RuleEngine.Scripting.allow-list.txt")
            ?? throw new InvalidOperationException("The allow-list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
