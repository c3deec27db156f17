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

    /// <summary>
    /// Four Horner steps at once: ((((h + w0) k + w1) k + w2) k + w3) k = (h + w0) k^4 + w1 k^3 + w2 k^2 + w3 k, given
    /// k1..k4 = k, k^2, k^3, k^4. The four carry-less products are independent (no wait on the previous product's
    /// latency) and, multiplication being linear over GF(2), are summed before one reduction; the result is the
    /// same field element as four <see cref="Multiply"/> steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong HornerStep4(ulong h, ulong w0, ulong w1, ulong w2, ulong w3, ulong k1, ulong k2, ulong k3, ulong k4)
    {
        var lo = CarrylessMultiply.Multiply(h ^ w0, k4, out var hi);
        lo ^= CarrylessMultiply.Multiply(w1, k3, out var hi1);
        lo ^= CarrylessMultiply.Multiply(w2, k2, out var hi2);
        lo ^= CarrylessMultiply.Multiply(w3, k1, out var hi3);
        return Reduce(lo, hi ^ hi1 ^ hi2 ^ hi3);
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
