using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Reading;

namespace RuleEngine.Yaml;

/// <summary>
/// Detached signatures of model and dataset files: <c>m02.yaml.sig</c> beside <c>m02.yaml</c>, holding the signing
/// key's id and an ECDSA P-256 signature over the file's exact bytes. A changed byte invalidates it.
/// </summary>
public static class ModelSignature
{
    private const string Header = "RuleEngine-Signature v1";

    /// <summary>Signs a file's bytes and returns the text of its <c>.sig</c> file.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="keyId">The id under which hosts trust the key.</param>
    /// <param name="privateKey">The ECDSA P-256 private key.</param>
    /// <returns>The signature file's text.</returns>
    public static string Sign(ReadOnlySpan<byte> content, string keyId, ECDsa privateKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        ArgumentNullException.ThrowIfNull(privateKey);
        byte[] signature = privateKey.SignData(content, HashAlgorithmName.SHA256);
        return string.Create(CultureInfo.InvariantCulture, $"{Header}\nkey: {keyId}\nsignature: {Convert.ToBase64String(signature)}\n");
    }

    /// <summary>Checks a file against its <c>.sig</c> file and the trusted keys; reports RE1022 when it does not verify.</summary>
    internal static bool Verify(string path, ReadOnlySpan<byte> content, IReadOnlyList<ModelSigningKey> trusted, DiagnosticList diagnostics)
    {
        SourceLocation where = SourceLocation.At(path, 1, 1);
        string signaturePath = path + ".sig";
        if (!File.Exists(signaturePath))
        {
            diagnostics.Error(ModelDiagnosticIds.SignatureInvalid, "The file is not signed; signatures are required, so it is not loaded.", where, $"Sign it: RuleRunner sign --key <key> {Path.GetFileName(path)}");
            return false;
        }

        string[] lines = File.ReadAllText(signaturePath, Encoding.UTF8).Split('\n', StringSplitOptions.TrimEntries);
        string? keyId = lines.FirstOrDefault(l => l.StartsWith("key: ", StringComparison.Ordinal))?[5..];
        string? signature = lines.FirstOrDefault(l => l.StartsWith("signature: ", StringComparison.Ordinal))?[11..];
        if (lines.Length == 0 || lines[0] != Header || keyId is null || signature is null)
        {
            diagnostics.Error(ModelDiagnosticIds.SignatureInvalid, "The signature file is malformed, so the file is not loaded.", where);
            return false;
        }

        ModelSigningKey? key = trusted.FirstOrDefault(k => k.KeyId == keyId);
        if (key is null)
        {
            diagnostics.Error(ModelDiagnosticIds.SignatureInvalid, $"The file is signed with key '{keyId}', which is not trusted, so it is not loaded.", where, "Add the key to the trusted keys if the signer is trusted.");
            return false;
        }

        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            diagnostics.Error(ModelDiagnosticIds.SignatureInvalid, "The signature is not valid base64, so the file is not loaded.", where);
            return false;
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey.Span, out _);
        if (!ecdsa.VerifyData(content, signatureBytes, HashAlgorithmName.SHA256))
        {
            diagnostics.Error(ModelDiagnosticIds.SignatureInvalid, $"The file does not match its signature by '{keyId}': it was changed after signing, so it is not loaded.", where);
            return false;
        }

        return true;
    }
}
