using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// Information-theoretic one-time message authentication for the OTP mode: Poly1305 keyed with 32 fresh
/// QKD key bytes (r clamped, s) per message, never reused (a Wegman-Carter authenticator).
/// </summary>
/// <remarks>
/// tag = ((sum_i c_i r^(q-i+1)) mod (2^130 - 5) + s) mod 2^128, c_i the 16-byte message blocks with a 1 appended.
/// Source: D. J. Bernstein, "The Poly1305-AES message-authentication code", FSE 2005, Theorem 3.3: with r, s
/// uniform and used for one message, a forgery of an L-byte message succeeds with probability at most
/// 8 * ceil(L/16) / 2^106, whatever the attacker's computing power; Wegman and Carter, J. Comput. Syst. Sci. 22 (1981).
/// Valid only if each 32-byte key is used once (the OTP sealer never reuses pad bytes).
/// </remarks>
public static class OneTimeMac
{
    public const int KeyLength = 32;
    public const int TagLength = 16;

    /// <summary>Writes the tag of <paramref name="message"/> under the one-time key <paramref name="key"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        var mac = new Poly1305();
        mac.Init(new KeyParameter(key[..KeyLength]));
        mac.BlockUpdate(message);
        mac.DoFinal(tag);
    }

    /// <summary>The tag of the concatenation <paramref name="first"/> || <paramref name="second"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> tag)
    {
        var mac = new Poly1305();
        mac.Init(new KeyParameter(key[..KeyLength]));
        mac.BlockUpdate(first);
        mac.BlockUpdate(second);
        mac.DoFinal(tag);
    }
}
