using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace RuleEngine.Scripting.Loading;

/// <summary>A script that passed the gate: its tree, budgets inserted, the tree of its record view, and what the gate learnt.</summary>
internal sealed record GatedScript(SyntaxTree Tree, SyntaxTree View, string[] FieldsRead, IReadOnlyList<(string Id, string Message, int Start, int Length)> Warnings);

/// <summary>An emitted assembly: the image and its symbols (for line numbers of faults).</summary>
internal sealed record CompiledScriptImage(byte[] Assembly, byte[] Symbols);

/// <summary>
/// Scripts that passed the gate, and emitted assemblies, by content hash (generated source, limits, allow-list), so
/// a model loaded again — by a reload or by another rule set — is neither checked nor compiled again. Holds trees and
/// bytes, never loaded assemblies, so it keeps no load context alive. Bounded: the oldest entries go first.
/// </summary>
internal static class CompiledScriptCache
{
    private const int Capacity = 1024;
    private static readonly ConcurrentDictionary<string, object> Entries = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<string> Order = new();

    /// <summary>Forgets everything (benchmarks of cold compilation).</summary>
    public static void Clear()
    {
        Entries.Clear();
        Order.Clear();
    }

    public static bool TryGet<T>(string key, out T? value)
        where T : class
    {
        value = Entries.TryGetValue(key, out object? found) ? found as T : null;
        return value is not null;
    }

    public static void Add(string key, object value)
    {
        if (Entries.TryAdd(key, value))
        {
            Order.Enqueue(key);
            while (Entries.Count > Capacity && Order.TryDequeue(out string? oldest))
            {
                Entries.TryRemove(oldest, out _);
            }
        }
    }
}
