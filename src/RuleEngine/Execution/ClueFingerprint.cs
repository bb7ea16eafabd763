using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace RuleEngine.Execution;

/// <summary>
/// A clue's fingerprint: the first 16 bytes of HMAC-SHA256(key, rule id, a line feed, subject) as lower-case hex,
/// stable across runs and versions (the clue store follows a clue's history by it). Each thread keeps one keyed HMAC
/// and resets it after every fingerprint: a one-shot HMAC sets its key up again each time, which took 1.2 µs against
/// 0.48 µs (measured on this project's machine), two thirds of making a clue.
/// </summary>
internal static class ClueFingerprint
{
    /// <summary>How many bytes of the message go on the stack; a longer subject rents a buffer.</summary>
    private const int StackBytes = 512;

    [ThreadStatic]
    private static IncrementalHash? t_hmac;

    [ThreadStatic]
    private static byte[]? t_key;

    public static string Of(ReadOnlySpan<byte> key, string ruleId, string subject)
    {
        IncrementalHash hmac = Keyed(key);
        int most = Encoding.UTF8.GetMaxByteCount(ruleId.Length + 1 + subject.Length);
        byte[]? rented = most > StackBytes ? ArrayPool<byte>.Shared.Rent(most) : null;
        Span<byte> message = rented ?? stackalloc byte[StackBytes];
        Span<byte> hash = stackalloc byte[32];
        try
        {
            int length = Encoding.UTF8.GetBytes(ruleId, message);
            message[length++] = (byte)'\n';
            length += Encoding.UTF8.GetBytes(subject, message[length..]);
            hmac.AppendData(message[..length]);
            hmac.GetHashAndReset(hash);
        }
        catch
        {
            // The HMAC may hold part of a message: the thread starts again from a fresh one.
            t_hmac = null;
            hmac.Dispose();
            throw;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return Convert.ToHexStringLower(hash[..16]);
    }

    private static IncrementalHash Keyed(ReadOnlySpan<byte> key)
    {
        if (t_hmac is { } hmac && key.SequenceEqual(t_key))
        {
            return hmac;
        }

        t_hmac?.Dispose();
        t_key = key.ToArray();
        t_hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        return t_hmac;
    }
}
