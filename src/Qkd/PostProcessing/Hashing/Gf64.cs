using System.Runtime.CompilerServices;

namespace Qkd.PostProcessing;

/// <summary>
/// Arithmetic in the finite field GF(2^64) = GF(2)[x] / (x^64 + x^4 + x^3 + x + 1), the field used by
/// the polynomial hashes of verification and authentication.
/// </summary>
/// <remarks>
/// The modulus x^64 + x^4 + x^3 + x + 1 is irreducible over GF(2) (it is the standard pentanomial for
/// GF(2^64), e.g. in Hankerson, Menezes, Vanstone, "Guide to Elliptic Curve Cryptography", Springer 2004,
/// Table A.1 / the low-weight table of Seroussi, HP Labs HPL-98-135, 1998). Addition is XOR; multiplication
/// is a carry-less product followed by reduction with x^64 = x^4 + x^3 + x + 1.
/// </remarks>
public static class Gf64
{
    /// <summary>x^4 + x^3 + x + 1: the reduction of x^64.</summary>
    public const ulong ReductionTail = 0x1B;

    /// <summary>a * b in GF(2^64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Multiply(ulong a, ulong b)
    {
        var lo = CarrylessMultiply.Multiply(a, b, out var hi);
        return Reduce(lo, hi);
    }

    /// <summary>a * b in GF(2^64) with the portable carry-less product (reference).</summary>
    public static ulong MultiplyPortable(ulong a, ulong b)
    {
        var lo = CarrylessMultiply.MultiplyPortable(a, b, out var hi);
        return Reduce(lo, hi);
    }

    /// <summary>Reduces hi * x^64 + lo modulo the field polynomial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Reduce(ulong lo, ulong hi)
    {
        // hi * x^64 = hi * (x^4 + x^3 + x + 1): at most 68 bits, fold the overflow (4 bits) once more.
        var t = hi ^ (hi << 1) ^ (hi << 3) ^ (hi << 4);
        var over = (hi >> 63) ^ (hi >> 61) ^ (hi >> 60);
        // over is below x^4; over * x^64 = over * 0x1B, at most 8 bits, no further overflow.
        var o = over ^ (over << 1) ^ (over << 3) ^ (over << 4);
        return lo ^ t ^ o;
    }
}
