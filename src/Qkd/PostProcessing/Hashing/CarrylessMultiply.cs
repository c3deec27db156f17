using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qkd.PostProcessing;

/// <summary>
/// Carry-less (GF(2)[x]) multiplication of 64-bit words: the product of two polynomials of degree
/// below 64 with coefficients in GF(2), a 127-bit result. Uses the x86 PCLMULQDQ instruction when the
/// processor has it and a portable shift-and-XOR loop otherwise; both give identical results
/// (property-tested).
/// </summary>
public static class CarrylessMultiply
{
    /// <summary>True when the PCLMULQDQ instruction is used.</summary>
    public static bool IsHardwareAccelerated => Pclmulqdq.IsSupported;

    /// <summary>a * b in GF(2)[x]; returns the low 64 coefficients, the high ones in <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Multiply(ulong a, ulong b, out ulong high)
    {
        if (Pclmulqdq.IsSupported)
        {
            var r = Pclmulqdq.CarrylessMultiply(Vector128.CreateScalarUnsafe(a), Vector128.CreateScalarUnsafe(b), 0x00);
            high = r.GetElement(1);
            return r.ToScalar();
        }
        return MultiplyPortable(a, b, out high);
    }

    /// <summary>The portable reference: sum over set bits i of b of (a shifted left by i).</summary>
    public static ulong MultiplyPortable(ulong a, ulong b, out ulong high)
    {
        ulong lo = 0, hi = 0;
        for (var i = 0; i < 64; i++)
        {
            var mask = 0UL - ((b >> i) & 1UL);
            lo ^= (a << i) & mask;
            if (i != 0)
            {
                hi ^= (a >> (64 - i)) & mask;
            }
        }
        high = hi;
        return lo;
    }
}
