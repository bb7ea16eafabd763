using RuleEngine.Diagnostics;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>Loads a model folder and prints its diagnostics in MSBuild's format.</summary>
internal static class ModelLoading
{
    public static ModelSet Load(string path, ModelLoadOptions options, TextWriter output)
    {
        ModelSet models = ModelSet.Load(path, options);
        foreach (Diagnostic diagnostic in models.Diagnostics)
        {
            output.WriteLine(Relative(diagnostic));
        }

        return models;
    }

    /// <summary>Prints paths relative to the working folder, so editors and CI problem matchers can open them.</summary>
    public static string Relative(Diagnostic diagnostic)
    {
        string? path = diagnostic.Location.Path;
        if (path is null || !Path.IsPathRooted(path))
        {
            return diagnostic.ToString();
        }

        return (diagnostic with { Location = diagnostic.Location with { Path = Path.GetRelativePath(Environment.CurrentDirectory, path) } }).ToString();
    }
}
