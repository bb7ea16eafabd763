using System.Security.Cryptography;
using System.Text;

namespace RuleEngine.ChineseData;

/// <summary>
/// A host's secret for pseudonyms, with an id that each pseudonym carries, so tokens made with different keys are
/// never confused. There is no keyless pseudonym: an unkeyed hash of an ID number can be reversed by hashing every
/// possible number.
/// </summary>
public sealed class PseudonymKey
{
    private readonly byte[] _secret;

    /// <summary>Initializes a new instance of the <see cref="PseudonymKey"/> class.</summary>
    /// <param name="id">The key's id, carried by every pseudonym (<c>k1</c>); letters, digits, <c>-</c> and <c>_</c>.</param>
    /// <param name="secret">The secret, at least 16 bytes (32 random bytes recommended).</param>
    /// <exception cref="ArgumentException">The id is empty or holds other characters, or the secret is shorter than 16 bytes.</exception>
    public PseudonymKey(string id, ReadOnlySpan<byte> secret)
    {
        if (string.IsNullOrEmpty(id) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException("A pseudonym key needs an id of letters, digits, '-' and '_'.", nameof(id));
        }

        if (secret.Length < 16)
        {
            throw new ArgumentException("A pseudonym key needs a secret of at least 16 bytes.", nameof(secret));
        }

        Id = id;
        _secret = secret.ToArray();
    }

    /// <summary>Gets the key's id.</summary>
    public string Id { get; }

    internal byte[] Hash(string text) => HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(text));
}

/// <summary>
/// Keyed pseudonyms (HMAC-SHA256 with a host key) for joining exports without their ID numbers: the same ID number
/// under the same key always gives the same token, whatever its form (full-width digits, lower-case x, spaces, the
/// 15-digit legacy number); under another key, another token.
/// </summary>
public static class Pseudonyms
{
    /// <summary>Makes the pseudonym of an ID number: <c>keyId:</c> and 32 hexadecimal digits.</summary>
    /// <param name="idNumber">The ID number, in any of its forms.</param>
    /// <param name="key">The host's key.</param>
    /// <returns>The pseudonym.</returns>
    public static string ForIdNumber(string idNumber, PseudonymKey key)
    {
        ArgumentNullException.ThrowIfNull(idNumber);
        ArgumentNullException.ThrowIfNull(key);
        return key.Id + ":" + Convert.ToHexStringLower(key.Hash("id_number\n" + IdNumber.Normalize(idNumber)), 0, 16);
    }
}
