using System.CommandLine;
using RuleEngine.Scripting;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>The options that say how model files are loaded: required signatures, trusted keys, and whether C# scripts run.</summary>
internal sealed class LoadOptions
{
    public Option<bool> RequireSignatures { get; } = new("--require-signatures") { Description = "Load only files signed by a trusted key." };

    public Option<string[]> TrustedKeys { get; } = new("--trusted-key")
    {
        Description = "A trusted public key, as id=path-to-pem. Repeat for several.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<bool> NoScripts { get; } = new("--no-scripts")
    {
        Description = "Refuse models with C# script rules (RE2016). Scripts otherwise run in this process behind the allow-list and budgets: use this for model folders you have not reviewed.",
    };

    public void AddTo(Command command)
    {
        command.Add(RequireSignatures);
        command.Add(NoScripts);
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

        return new ModelLoadOptions
        {
            RequireSignatures = parse.GetValue(RequireSignatures),
            TrustedKeys = keys,
            ScriptCompiler = parse.GetValue(NoScripts) ? null : new ScriptRuleCompiler(),
        };
    }
}
