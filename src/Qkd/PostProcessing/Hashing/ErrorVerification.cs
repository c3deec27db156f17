using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>
/// Error verification after reconciliation: Alice sends a fresh random key r of the polynomial hash and the
/// tag H_r(x_A); Bob accepts when H_r(x_B) equals it (constant-time compare). If the keys differ the tags
/// collide with probability at most (d + 1) / 2^64, d = ceil(n / 64) (see <see cref="PolynomialHash"/>): this
/// is eps_cor. A rejected block is discarded. The 64 tag bits count as leaked information.
/// </summary>
public static class ErrorVerification
{
    /// <summary>Bits the verification discloses (the tag).</summary>
    public const int TagBits = 64;

    /// <summary>eps_cor for an n-bit key.</summary>
    public static double EpsilonCorrectness(int keyBits) => PolynomialHash.CollisionBound(BitString.WordCount(keyBits));

    /// <summary>The tag of <paramref name="key"/> under hash key <paramref name="hashKey"/>.</summary>
    public static ulong Tag(ulong hashKey, BitString key)
    {
        Guard.NotNull(key);
        return PolynomialHash.Compute(hashKey, key.Words, key.Length);
    }

    /// <summary>Constant-time comparison of two tags.</summary>
    public static bool TagsEqual(ulong a, ulong b)
    {
        Span<ulong> x = [a];
        Span<ulong> y = [b];
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(x), System.Runtime.InteropServices.MemoryMarshal.AsBytes(y));
    }
}
