using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;

namespace RuleEngine.Scripting.Loading;

/// <summary>
/// The trusted scripts compiled for one rule set, emitted together as one assembly into one collectible load
/// context when the first of them is needed. One context per rule set, not per script: every load context has its
/// own code heap, and a thousand scripts spread over a thousand heaps run several times slower than the same code
/// packed together. The context unloads when the last script of the batch is collected.
/// </summary>
internal sealed class ScriptBatch(Func<IReadOnlyList<SyntaxTree>, string, CompiledScriptImage> emit)
{
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
            SyntaxTree[] trees = [.. members.GroupBy(m => m.Namespace, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.First().Tree)];
            string key = "batch:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', members.Select(m => m.CacheKey).Distinct().Order(StringComparer.Ordinal)))));
            if (!CompiledScriptCache.TryGet(key, out CompiledScriptImage? image))
            {
                image = emit(trees, "RuleEngine.Scripts." + key[6..22]);
                CompiledScriptCache.Add(key, image);
            }

            var context = new ScriptLoadContext("RuleEngine scripts " + key[6..22]);
            Assembly assembly = context.LoadFromStream(new MemoryStream(image!.Assembly), new MemoryStream(image.Symbols));
            var lifetime = new ScriptAssemblyLifetime(context, assembly);
            foreach (CompiledScriptCondition member in members)
            {
                member.Bind(lifetime);
            }
        }
    }
}
