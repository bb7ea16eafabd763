using System.Reflection;
using System.Runtime.Loader;

namespace RuleEngine.Scripting.Loading;

/// <summary>
/// A collectible load context holding the compiled scripts of a batch (one assembly, or a few emitted in parallel). Everything the script references resolves in the default
/// context (the script sees the same RuleEngine types as the host). The context unloads once nothing refers to the
/// script any more: <see cref="ScriptAssemblyLifetime"/> starts the unload when the compiled rule set is collected.
/// </summary>
internal sealed class ScriptLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
{
    protected override Assembly? Load(AssemblyName assemblyName) => null;
}

/// <summary>
/// Owns a batch's load context for as long as its delegates live: the predicates hold this object, so when the rule
/// set that holds them is collected, the finalizer starts the cooperative unload of the context.
/// </summary>
internal sealed class ScriptAssemblyLifetime(ScriptLoadContext context, IReadOnlyList<Assembly> assemblies)
{
    ~ScriptAssemblyLifetime() => context.Unload();

    /// <summary>Gets the assemblies of the batch.</summary>
    public IReadOnlyList<Assembly> Assemblies { get; } = assemblies;

    /// <summary>Finds the assembly that defines a type.</summary>
    public Assembly Defining(string typeName) =>
        Assemblies.FirstOrDefault(a => a.GetType(typeName, throwOnError: false) is not null) ?? throw new InvalidOperationException("A script's type is missing from its batch.");
}
