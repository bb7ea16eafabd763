using System.CommandLine;
using RuleEngine.Scripting;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>The options that say how model files are loaded: required signatures, trusted keys, and where C# scripts run.</summary>
internal sealed class LoadOptions
{
    public Option<bool> RequireSignatures { get; } = new("--require-signatures") { Description = "Load only files signed by a trusted key." };

    public Option<string[]> TrustedKeys { get; } = new("--trusted-key")
    {
        Description = "A trusted public key, as id=path-to-pem. Repeat for several.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> Scripts { get; } = new("--scripts")
    {
        Description = "Where C# script rules run: untrusted (each in a worker process of its own, the default), trusted (in this process, behind the allow-list and budgets: for model folders you have reviewed), or off (script rules are refused, RE2016).",
        DefaultValueFactory = _ => "untrusted",
    };

    public void AddTo(Command command)
    {
        command.Add(RequireSignatures);
        command.Add(Scripts);
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

        ScriptRuleCompiler? scripts;
        switch (parse.GetValue(Scripts))
        {
            case "untrusted":
                scripts = new ScriptRuleCompiler(new ScriptLimits(), ScriptTrust.Untrusted);
                break;
            case "trusted":
                scripts = new ScriptRuleCompiler(new ScriptLimits(), ScriptTrust.Trusted);
                break;
            case "off":
                scripts = null;
                break;
            default:
                Console.Error.WriteLine($"--scripts: '{parse.GetValue(Scripts)}' is not untrusted, trusted or off.");
                return null;
        }

        return new ModelLoadOptions { RequireSignatures = parse.GetValue(RequireSignatures), TrustedKeys = keys, ScriptCompiler = scripts };
    }
}
