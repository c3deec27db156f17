using System.Buffers.Binary;
using Qkd.Classical;

namespace Qkd.PostProcessing;

/// <summary>
/// Running polynomial hash over GF(2^64) of one block's classical conversation, in the order both parties see
/// it: the block's index, then every message as a header word (sender bit 63, byte length) followed by its bytes
/// as little-endian words (the last zero-padded). <see cref="Tag"/> closes the hash with the number of words
/// absorbed and one-time-pads it, without ending the transcript (Bob's tag covers Alice's tag's transcript and
/// more).
/// </summary>
/// <remarks>
/// H_k(w_1..w_d) = w_1 k^(d+1) + ... + w_d k^2 + d k (Horner's rule). The encoding of a conversation into words
/// is injective (every message announces its length and sender) and the word count closes the polynomial, so
/// two different conversations give different polynomials of degree at most d + 1 with no constant term; for a
/// uniformly random k and any constant c, Pr[H_k(t) = H_k(t') + c] &lt;= (d + 1) / 2^64 (the family is
/// (d+1)/2^64-almost-XOR-universal; Wegman and Carter, J. Comput. Syst. Sci. 22, 265 (1981), Sec. 3; the
/// polynomial construction as in <see cref="PolynomialHash"/>). A tag H_k(t) XOR p with a fresh uniform pad p is
/// therefore forged with probability at most (d + 1) / 2^64, and k may be reused for every tag of every block
/// (Wegman and Carter 1981, Sec. 4; composable key recycling: Portmann, IEEE Trans. Inf. Theory 60, 4383 (2014),
/// Theorem 4.3 / Corollary 4.6, for an almost-XOR-universal family with one-time-padded tags).
/// </remarks>
internal sealed class TranscriptHash(ulong key, long blockIndex)
{
    private const ulong AliceBit = 1UL << 63;
    private ulong _state = Gf64.Multiply((ulong)blockIndex, key);
    private long _words = 1;
    private readonly ulong _k2 = Gf64.Multiply(key, key);
    private readonly ulong _k3 = Gf64.Multiply(Gf64.Multiply(key, key), key);
    private readonly ulong _k4 = Gf64.Multiply(Gf64.Multiply(key, key), Gf64.Multiply(key, key));

    /// <summary>Words absorbed so far (d).</summary>
    public long Words => _words;

    /// <summary>Appends one message sent by <paramref name="sender"/>.</summary>
    public void Absorb(Party sender, ReadOnlySpan<byte> message)
    {
        var h = Gf64.Multiply(_state ^ ((sender == Party.Alice ? AliceBit : 0) | (uint)message.Length), key);
        var full = message.Length & ~7;
        var i = 0;
        for (; i + 32 <= full; i += 32)
        {
            // Four words per step, the same polynomial (Gf64.HornerStep4): the transcript of a block is mostly its
            // large messages (sample, tops, seed), so this is where the hashing time goes.
            h = Gf64.HornerStep4(h, BinaryPrimitives.ReadUInt64LittleEndian(message[i..]), BinaryPrimitives.ReadUInt64LittleEndian(message[(i + 8)..]),
                BinaryPrimitives.ReadUInt64LittleEndian(message[(i + 16)..]), BinaryPrimitives.ReadUInt64LittleEndian(message[(i + 24)..]), key, _k2, _k3, _k4);
        }
        _state = PolynomialHash.AbsorbWords(h, message[i..], key);
        _words += 1 + (message.Length + 7) / 8;
    }

    /// <summary>The one-time-padded tag of the transcript so far: H_k(t) XOR pad.</summary>
    public ulong Tag(ulong pad) => Gf64.Multiply(_state ^ (ulong)_words, key) ^ pad;

    /// <summary>Forgery bound of a tag over the transcript so far: (d + 1) / 2^64.</summary>
    public double ForgeryBound => PolynomialHash.CollisionBound(_words);
}
