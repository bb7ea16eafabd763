namespace RuleRunner;

/// <summary>
/// Refuses an output file that is also an input of the same command: opening it for writing empties it before it is
/// read (<c>run --data penalties=p.csv --out p.csv</c> destroyed the export).
/// </summary>
internal static class OutputGuard
{
    /// <summary>Gives the usage error for the first output that is one of the inputs or another output, or <see langword="null"/> when none is.</summary>
    /// <param name="outputs">Each output's option and path (<see langword="null"/> when not given).</param>
    /// <param name="inputs">Each input's description ("the data of dataset 'penalties'") and path.</param>
    public static string? Overwrites(IEnumerable<(string Option, string? Path)> outputs, IEnumerable<(string What, string Path)> inputs)
    {
        List<(string What, string Identity)> read = [.. inputs.Select(i => (i.What, Identity(i.Path)))];
        var written = new List<(string Option, string Identity)>();
        foreach ((string option, string? path) in outputs)
        {
            if (path is null)
            {
                continue;
            }

            string identity = Identity(path);
            if (read.FirstOrDefault(i => string.Equals(i.Identity, identity, Comparison)).What is { } what)
            {
                return $"{option}: '{path}' is {what}; writing there would destroy it before it is read. Write to another file.";
            }

            if (written.FirstOrDefault(w => string.Equals(w.Identity, identity, Comparison)).Option is { } other)
            {
                return $"{option}: '{path}' is also where {other} writes. Give each output a file of its own.";
            }

            written.Add((option, identity));
        }

        return null;
    }

    /// <summary>Names are compared as the file system does: case-sensitively on Linux only.</summary>
    private static StringComparison Comparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>The full path of the file a path names, through a symbolic link.</summary>
    private static string Identity(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}
