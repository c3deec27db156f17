using System.Buffers.Binary;

namespace Qkd.PostProcessing;

/// <summary>
/// Polynomial universal hash over GF(2^64): a message of d 64-bit words m_1..m_d and length L is mapped to
/// H_k(m) = m_1 k^(d+1) + m_2 k^d + ... + m_d k^2 + L k (Horner's rule), k the secret key.
/// </summary>
/// <remarks>
/// For two different messages (words or length) the difference H_k(m) - H_k(m') - c is a non-zero
/// polynomial of degree at most d+1 in k for every constant c, so over a uniformly random key
/// Pr[H_k(m) = H_k(m') + c] &lt;= (d+1) / 2^64: the family is (d+1)/2^64-almost-XOR-universal
/// (Wegman and Carter, "New hash functions and their use in authentication and set equality",
/// J. Comput. Syst. Sci. 22, 265 (1981); the polynomial construction as in Bernstein, "The Poly1305-AES
/// message-authentication code", FSE 2005, Sec. 3, over a binary field here). Used for error verification
/// (collision bound = eps_cor) and, with a one-time-pad encrypted output, for Wegman-Carter authentication.
/// </remarks>
public static class PolynomialHash
{
    /// <summary>Collision probability bound (d+1)/2^64 for messages of up to <paramref name="words"/> words.</summary>
    public static double CollisionBound(long words) => (words + 1) / 18446744073709551616.0;

    /// <summary>Hashes packed words with the message length in bits.</summary>
    public static ulong Compute(ulong key, ReadOnlySpan<ulong> words, long lengthBits)
    {
        ulong h = 0;
        foreach (var w in words)
        {
            h = Gf64.Multiply(h ^ w, key);
        }
        return Gf64.Multiply(h ^ (ulong)lengthBits, key);
    }

    /// <summary>Hashes bytes (little-endian words, the last one zero-padded) with the length in bytes.</summary>
    public static ulong Compute(ulong key, ReadOnlySpan<byte> bytes) => Compute(key, 0, bytes);

    /// <summary>Hashes an associated 64-bit value (e.g. a sequence number) followed by bytes.</summary>
    public static ulong Compute(ulong key, ulong prefix, ReadOnlySpan<byte> bytes)
    {
        var h = AbsorbWords(Gf64.Multiply(prefix, key), bytes, key);
        return Gf64.Multiply(h ^ (ulong)bytes.Length, key);
    }

    /// <summary>
    /// Horner steps h &lt;- (h XOR w) k over the little-endian 64-bit words of <paramref name="bytes"/>, the last one
    /// zero-padded; shared by <see cref="Compute(ulong, ulong, ReadOnlySpan{byte})"/> and the transcript hash.
    /// </summary>
    internal static ulong AbsorbWords(ulong h, ReadOnlySpan<byte> bytes, ulong key)
    {
        var full = bytes.Length & ~7;
        for (var i = 0; i < full; i += 8)
        {
            h = Gf64.Multiply(h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]), key);
        }
        if (full < bytes.Length)
        {
            Span<byte> tail = stackalloc byte[8];
            tail.Clear();
            bytes[full..].CopyTo(tail);
            h = Gf64.Multiply(h ^ BinaryPrimitives.ReadUInt64LittleEndian(tail), key);
        }
        return h;
    }
}
