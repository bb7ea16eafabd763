using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary><c>keygen</c> and <c>sign</c>: make an ECDSA P-256 key pair and sign model files with it.</summary>
internal static class SigningCommands
{
    public static Command Keygen()
    {
        var output = new Option<string>("--out") { Description = "Path prefix: writes <prefix>.key (private, keep it secret) and <prefix>.pub.", Required = true };
        var command = new Command("keygen", "Create a key pair for signing model files.") { output };
        command.SetAction(parse =>
        {
            string prefix = parse.GetValue(output)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(prefix))!);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(prefix + ".key", key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(prefix + ".pub", key.ExportSubjectPublicKeyInfoPem());
            Console.WriteLine($"Wrote {prefix}.key and {prefix}.pub.");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Sign()
    {
        var key = new Option<string>("--key") { Description = "The private key (PEM).", Required = true };
        var keyId = new Option<string>("--key-id") { Description = "The id hosts trust the key under.", Required = true };
        var paths = new Argument<string[]>("paths") { Description = "Model or dataset files, or folders of them." };
        var command = new Command("sign", "Sign model and dataset files: writes file.yaml.sig beside each.") { key, keyId, paths };
        command.SetAction(parse =>
        {
            using var privateKey = ECDsa.Create();
            privateKey.ImportFromPem(File.ReadAllText(parse.GetValue(key)!));
            int signed = 0;
            foreach (string path in parse.GetValue(paths)!)
            {
                IEnumerable<string> files = Directory.Exists(path)
                    ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    : [path];
                foreach (string file in files.Order(StringComparer.Ordinal))
                {
                    File.WriteAllText(file + ".sig", ModelSignature.Sign(File.ReadAllBytes(file), parse.GetValue(keyId)!, privateKey), Encoding.UTF8);
                    signed++;
                }
            }

            Console.WriteLine($"Signed {signed} file(s).");
            return ExitCodes.Success;
        });
        return command;
    }
}
