using System.Reflection;
using System.Runtime.Loader;

namespace RuleEngine.Scripting.Loading;

/// <summary>
/// A collectible load context holding one compiled script. Everything the script references resolves in the default
/// context (the script sees the same RuleEngine types as the host). The context unloads once nothing refers to the
/// script any more: <see cref="ScriptAssemblyLifetime"/> starts the unload when the compiled rule set is collected.
/// </summary>
internal sealed class ScriptLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
{
    protected override Assembly? Load(AssemblyName assemblyName) => null;
}

/// <summary>
/// Owns a script's load context for as long as its delegates live: the predicate holds this object, so when the rule
/// set that holds the predicate is collected, the finalizer starts the cooperative unload of the context.
/// </summary>
internal sealed class ScriptAssemblyLifetime(ScriptLoadContext context, Assembly assembly)
{
    ~ScriptAssemblyLifetime() => context.Unload();

    public Assembly Assembly { get; } = assembly;
}
