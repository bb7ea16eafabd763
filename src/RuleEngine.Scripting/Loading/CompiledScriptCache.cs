using System.Collections.Concurrent;

namespace RuleEngine.Scripting.Loading;

/// <summary>An emitted script: the assembly image, its symbols (for line numbers of faults), and what the gate learnt.</summary>
internal sealed record CompiledScriptImage(byte[] Assembly, byte[] Symbols, string[] FieldsRead, bool Guarded, IReadOnlyList<(string Id, string Message, int Start, int Length)> Warnings);

/// <summary>
/// Emitted scripts by content hash (the generated source, the limits and the allow-list), so a model loaded again —
/// by a reload or by another rule set — is not compiled again. Holds bytes, never loaded assemblies, so it keeps
/// no load context alive. Bounded: the oldest entries go first.
/// </summary>
internal static class CompiledScriptCache
{
    private const int Capacity = 1024;
    private static readonly ConcurrentDictionary<string, CompiledScriptImage> Images = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<string> Order = new();

    public static int Count => Images.Count;

    /// <summary>Forgets every compiled script (benchmarks of cold compilation).</summary>
    public static void Clear()
    {
        Images.Clear();
        Order.Clear();
    }

    public static bool TryGet(string key, out CompiledScriptImage? image) => Images.TryGetValue(key, out image);

    public static void Add(string key, CompiledScriptImage image)
    {
        if (Images.TryAdd(key, image))
        {
            Order.Enqueue(key);
            while (Images.Count > Capacity && Order.TryDequeue(out string? oldest))
            {
                Images.TryRemove(oldest, out _);
            }
        }
    }
}
