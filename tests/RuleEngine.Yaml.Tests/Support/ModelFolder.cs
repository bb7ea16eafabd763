using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Reading;

namespace RuleEngine.Yaml.Tests.Support;

/// <summary>A temporary folder of model files, loaded as a model set; deleted when disposed.</summary>
internal sealed class ModelFolder : IDisposable
{
    public const string Cases = """
        dataset: cases
        key: [person_id]
        fields:
          - {name: person_id, type: id_number}
          - {name: name, type: string, personal: name}
          - {name: cause, type: string}
          - {name: amount, type: decimal}
          - {name: filing_date, type: date}
          - {name: detained, type: bool}
          - {name: charges, type: "string[]"}
        """;

    public ModelFolder(params (string Name, string Text)[] files)
    {
        Path = Directory.CreateTempSubdirectory("models").FullName;
        foreach ((string name, string text) in files)
        {
            Write(name, Encoding.UTF8.GetBytes(text));
        }
    }

    public string Path { get; }

    public static ModelSet LoadModel(string model, string? dataset = Cases)
    {
        using var folder = dataset is null ? new ModelFolder(("m.yaml", model)) : new ModelFolder(("datasets/cases.yaml", dataset), ("m.yaml", model));
        return folder.Load();
    }

    /// <summary>Parses one file's text and returns its diagnostics (the reading layer only).</summary>
    public static IReadOnlyList<Diagnostic> Read(string text, YamlLimits? limits = null) => Read(Encoding.UTF8.GetBytes(text), limits);

    public static IReadOnlyList<Diagnostic> Read(byte[] bytes, YamlLimits? limits = null)
    {
        var diagnostics = new DiagnosticList();
        SafeYamlReader.Parse("m.yaml", bytes, limits ?? YamlLimits.Default, diagnostics);
        return diagnostics.Items;
    }

    public void Write(string name, byte[] bytes)
    {
        string file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
    }

    public ModelSet Load() => ModelSet.Load(Path);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static class DiagnosticAssert
{
    /// <summary>Asserts a diagnostic with the code at the line and column (of m.yaml when the file is not named).</summary>
    public static Diagnostic Has(IReadOnlyList<Diagnostic> diagnostics, string code, int line, int column, string file = "m.yaml")
    {
        Diagnostic? found = diagnostics.FirstOrDefault(d => d.Id == code && d.Location.Line == line && d.Location.Column == column && (d.Location.Path ?? string.Empty).EndsWith(file, StringComparison.Ordinal));
        Assert.True(found is not null, $"Expected {code} at {file}({line},{column}); got:\n{string.Join("\n", diagnostics)}");
        return found!;
    }

    public static Diagnostic Only(IReadOnlyList<Diagnostic> diagnostics, string code, int line, int column, string file = "m.yaml")
    {
        Assert.True(diagnostics.Count(d => d.IsError) == 1, $"Expected one error; got:\n{string.Join("\n", diagnostics)}");
        return Has(diagnostics, code, line, column, file);
    }
}
