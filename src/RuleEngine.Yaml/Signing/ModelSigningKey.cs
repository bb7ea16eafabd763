using System.Security.Cryptography;

namespace RuleEngine.Yaml;

/// <summary>A public key that model files may be signed with (ECDSA P-256), held by the host, never by a model file.</summary>
/// <param name="KeyId">The key's name, written in each signature it makes, such as <c>zj-procuratorate-2026</c>.</param>
/// <param name="PublicKey">The key in SubjectPublicKeyInfo (DER) form.</param>
public sealed record ModelSigningKey(string KeyId, ReadOnlyMemory<byte> PublicKey)
{
    /// <summary>Reads a public key from PEM text (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    /// <param name="keyId">The key's name.</param>
    /// <param name="pem">The PEM text.</param>
    /// <returns>The key.</returns>
    public static ModelSigningKey FromPem(string keyId, string pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return new ModelSigningKey(keyId, key.ExportSubjectPublicKeyInfo());
    }
}
