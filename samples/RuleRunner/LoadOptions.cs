using System.CommandLine;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>The options that say how model files are loaded: required signatures and trusted keys.</summary>
internal sealed class LoadOptions
{
    public Option<bool> RequireSignatures { get; } = new("--require-signatures") { Description = "Load only files signed by a trusted key." };

    public Option<string[]> TrustedKeys { get; } = new("--trusted-key")
    {
        Description = "A trusted public key, as id=path-to-pem. Repeat for several.",
        AllowMultipleArgumentsPerToken = true,
    };

    public void AddTo(Command command)
    {
        command.Add(RequireSignatures);
        command.Add(TrustedKeys);
    }

    /// <summary>Builds the load options; returns <see langword="null"/> after printing the problem when an argument is wrong.</summary>
    public ModelLoadOptions? Read(ParseResult parse)
    {
        var keys = new List<ModelSigningKey>();
        foreach (string item in parse.GetValue(TrustedKeys) ?? [])
        {
            string[] pair = item.Split('=', 2);
            if (pair.Length != 2 || !File.Exists(pair[1]))
            {
                Console.Error.WriteLine($"--trusted-key: '{item}' is not id=path-to-an-existing-pem-file.");
                return null;
            }

            keys.Add(ModelSigningKey.FromPem(pair[0], File.ReadAllText(pair[1])));
        }

        return new ModelLoadOptions { RequireSignatures = parse.GetValue(RequireSignatures), TrustedKeys = keys };
    }
}
