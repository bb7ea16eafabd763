using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using RuleEngine.Scripting.Compilation;

namespace RuleEngine.Scripting.Loading;

/// <summary>
/// The trusted scripts compiled for one rule set, emitted together into one collectible load context when the first
/// of them is needed. One context per rule set, not per script: every load context has its own code heap, and a
/// thousand scripts spread over a thousand heaps run several times slower than the same code packed together. A
/// large batch is emitted as a few assemblies, one per core, in parallel, all loaded into the one context. The
/// context unloads when the last script of the batch is collected.
/// </summary>
internal sealed class ScriptBatch(Func<IReadOnlyList<SyntaxTree>, string, CompiledScriptImage> emit)
{
    /// <summary>The fewest scripts an assembly of its own is worth: below, the emit's fixed cost outweighs a core's help.</summary>
    private const int MinScriptsPerAssembly = 64;

    private readonly Lock _lock = new();
    private readonly List<WeakReference<CompiledScriptCondition>> _members = [];
    private bool _closed;

    /// <summary>Adds a script; false once the batch has been loaded (the compiler then starts a new batch).</summary>
    public bool TryAdd(CompiledScriptCondition condition)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _members.Add(new WeakReference<CompiledScriptCondition>(condition));
            return true;
        }
    }

    /// <summary>Emits and loads every script of the batch still alive, once, and binds each to its entry point.</summary>
    public void Load()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            List<CompiledScriptCondition> members = [.. _members.Select(m => m.TryGetTarget(out CompiledScriptCondition? c) ? c : null).OfType<CompiledScriptCondition>()];
            _members.Clear();

            // One script of each content, in a fixed order, dealt round-robin to the assemblies; each assembly carries
            // the record views its scripts read.
            CompiledScriptCondition[] distinct = [.. members.DistinctBy(m => m.Namespace, StringComparer.Ordinal).OrderBy(m => m.Namespace, StringComparer.Ordinal)];
            int parts = Math.Clamp(distinct.Length / MinScriptsPerAssembly, 1, Environment.ProcessorCount);
            CompiledScriptCondition[][] chunks = [.. Enumerable.Range(0, parts).Select(p => distinct.Where((_, i) => i % parts == p).ToArray())];
            var images = new CompiledScriptImage[parts];
            CompilerThread.ForEach(parts, p => images[p] = Emit(chunks[p]));

            string name = "RuleEngine scripts " + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', distinct.Select(m => m.CacheKey)))), 0, 8);
            var context = new ScriptLoadContext(name);
            Assembly[] assemblies = [.. images.Select(image => context.LoadFromStream(new MemoryStream(image.Assembly), new MemoryStream(image.Symbols)))];
            var lifetime = new ScriptAssemblyLifetime(context, assemblies);
            foreach (CompiledScriptCondition member in members)
            {
                member.Bind(lifetime);
            }
        }
    }

    /// <summary>The image of one assembly of scripts: from the cache, or emitted.</summary>
    private CompiledScriptImage Emit(CompiledScriptCondition[] scripts)
    {
        string key = "batch:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', scripts.Select(m => m.CacheKey)))));
        if (!CompiledScriptCache.TryGet(key, out CompiledScriptImage? image))
        {
            SyntaxTree[] trees = [.. scripts.Select(m => m.View).DistinctBy(v => v.FilePath, StringComparer.Ordinal), .. scripts.Select(m => m.Tree)];
            image = emit(trees, "RuleEngine.Scripts." + key[6..22]);
            CompiledScriptCache.Add(key, image);
        }

        return image!;
    }
}
