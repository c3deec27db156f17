using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qkd.Quantum;

/// <summary>The dense single-qubit kernel with portable 256-bit vectors; <see cref="ApplyDenseScalar"/> is the reference.</summary>
public sealed partial class StateVector
{
    /// <summary>
    /// The same kernel with 256-bit vectors, two amplitudes [re, im, re, im] per vector (target &gt;= 1, so
    /// runs of equal target bit hold at least two amplitudes). A complex product c x is
    /// Re(c) x + Im(c) [-1, 1, -1, 1] swap(x), with swap exchanging re and im.
    /// </summary>
    internal void ApplyDenseVector(SingleQubitGate g, int target)
    {
        var d = AsDoubles(_amplitudes);
        ref var origin = ref MemoryMarshal.GetReference(d);
        var stride = 1 << target;
        var swap = Vector256.Create(1L, 0L, 3L, 2L);
        var ar = Vector256.Create(g.M00.Real);
        var ai = Vector256.Create(-g.M00.Imaginary, g.M00.Imaginary, -g.M00.Imaginary, g.M00.Imaginary);
        var br = Vector256.Create(g.M01.Real);
        var bi = Vector256.Create(-g.M01.Imaginary, g.M01.Imaginary, -g.M01.Imaginary, g.M01.Imaginary);
        var cr = Vector256.Create(g.M10.Real);
        var ci = Vector256.Create(-g.M10.Imaginary, g.M10.Imaginary, -g.M10.Imaginary, g.M10.Imaginary);
        var dr = Vector256.Create(g.M11.Real);
        var di = Vector256.Create(-g.M11.Imaginary, g.M11.Imaginary, -g.M11.Imaginary, g.M11.Imaginary);
        for (var block = 0; block < Dimension; block += stride << 1)
        {
            var end = 2 * (block + stride);
            for (var i = 2 * block; i < end; i += 4)
            {
                var j = i + 2 * stride;
                var x0 = Vector256.LoadUnsafe(ref origin, (nuint)i);
                var x1 = Vector256.LoadUnsafe(ref origin, (nuint)j);
                var s0 = Vector256.Shuffle(x0, swap);
                var s1 = Vector256.Shuffle(x1, swap);
                (ar * x0 + ai * s0 + br * x1 + bi * s1).StoreUnsafe(ref origin, (nuint)i);
                (cr * x0 + ci * s0 + dr * x1 + di * s1).StoreUnsafe(ref origin, (nuint)j);
            }
        }
    }

    /// <summary>
    /// The dense kernel for target 0, where each pair (a0, a1) is one vector [a0r, a0i, a1r, a1i]:
    /// out = [M00, M00, M10, M10] * [a0, a0] + [M01, M01, M11, M11] * [a1, a1], complex products as in
    /// <see cref="ApplyDenseVector"/>.
    /// </summary>
    internal void ApplyDenseVectorAdjacent(SingleQubitGate g)
    {
        var d = AsDoubles(_amplitudes);
        ref var origin = ref MemoryMarshal.GetReference(d);
        var low = Vector256.Create(0L, 1L, 0L, 1L);
        var lowSwapped = Vector256.Create(1L, 0L, 1L, 0L);
        var high = Vector256.Create(2L, 3L, 2L, 3L);
        var highSwapped = Vector256.Create(3L, 2L, 3L, 2L);
        var m1 = Vector256.Create(g.M00.Real, g.M00.Real, g.M10.Real, g.M10.Real);
        var m1i = Vector256.Create(-g.M00.Imaginary, g.M00.Imaginary, -g.M10.Imaginary, g.M10.Imaginary);
        var m2 = Vector256.Create(g.M01.Real, g.M01.Real, g.M11.Real, g.M11.Real);
        var m2i = Vector256.Create(-g.M01.Imaginary, g.M01.Imaginary, -g.M11.Imaginary, g.M11.Imaginary);
        for (var i = 0; i < d.Length; i += 4)
        {
            var x = Vector256.LoadUnsafe(ref origin, (nuint)i);
            var result = m1 * Vector256.Shuffle(x, low) + m1i * Vector256.Shuffle(x, lowSwapped)
                + m2 * Vector256.Shuffle(x, high) + m2i * Vector256.Shuffle(x, highSwapped);
            result.StoreUnsafe(ref origin, (nuint)i);
        }
    }

    /// <summary>Pauli X with vectors: swaps whole runs for target &gt;= 1, the two halves of each vector for target 0.</summary>
    internal void SwapHalvesVector(int target)
    {
        var d = AsDoubles(_amplitudes);
        ref var origin = ref MemoryMarshal.GetReference(d);
        if (target == 0)
        {
            var exchange = Vector256.Create(2L, 3L, 0L, 1L);
            for (var i = 0; i < d.Length; i += 4)
            {
                Vector256.Shuffle(Vector256.LoadUnsafe(ref origin, (nuint)i), exchange).StoreUnsafe(ref origin, (nuint)i);
            }
            return;
        }
        // Target >= 1: each block of 2^(t+1) amplitudes is two runs of 2^t (2^(t+1) doubles, a whole number of
        // vectors) that trade places through a small stack buffer, by vectorised span copies.
        var run = 2 << target;
        Span<double> carry = stackalloc double[Math.Min(run, 256)];
        for (var block = 0; block < d.Length; block += run << 1)
        {
            for (var offset = 0; offset < run; offset += carry.Length)
            {
                var low = d.Slice(block + offset, carry.Length);
                var high = d.Slice(block + run + offset, carry.Length);
                low.CopyTo(carry);
                high.CopyTo(low);
                carry.CopyTo(high);
            }
        }
    }

    /// <summary>
    /// Diagonal gate diag(d0, d1) with vectors: each amplitude is multiplied by d0 or d1 as its target bit
    /// is 0 or 1 (complex product as in <see cref="ApplyDenseVector"/>); runs multiplied by 1 are skipped.
    /// </summary>
    internal void ApplyDiagonalVector(System.Numerics.Complex d0, System.Numerics.Complex d1, int target)
    {
        var d = AsDoubles(_amplitudes);
        ref var origin = ref MemoryMarshal.GetReference(d);
        var swap = Vector256.Create(1L, 0L, 3L, 2L);
        if (target == 0)
        {
            var m = Vector256.Create(d0.Real, d0.Real, d1.Real, d1.Real);
            var mi = Vector256.Create(-d0.Imaginary, d0.Imaginary, -d1.Imaginary, d1.Imaginary);
            for (var i = 0; i < d.Length; i += 4)
            {
                var x = Vector256.LoadUnsafe(ref origin, (nuint)i);
                (m * x + mi * Vector256.Shuffle(x, swap)).StoreUnsafe(ref origin, (nuint)i);
            }
            return;
        }
        var stride = 1 << target;
        var skip0 = d0 == System.Numerics.Complex.One;
        var r0 = Vector256.Create(d0.Real);
        var i0 = Vector256.Create(-d0.Imaginary, d0.Imaginary, -d0.Imaginary, d0.Imaginary);
        var r1 = Vector256.Create(d1.Real);
        var i1 = Vector256.Create(-d1.Imaginary, d1.Imaginary, -d1.Imaginary, d1.Imaginary);
        for (var block = 0; block < Dimension; block += stride << 1)
        {
            if (!skip0)
            {
                for (int i = 2 * block, end = 2 * (block + stride); i < end; i += 4)
                {
                    var x = Vector256.LoadUnsafe(ref origin, (nuint)i);
                    (r0 * x + i0 * Vector256.Shuffle(x, swap)).StoreUnsafe(ref origin, (nuint)i);
                }
            }
            for (int i = 2 * (block + stride), end = 2 * (block + 2 * stride); i < end; i += 4)
            {
                var x = Vector256.LoadUnsafe(ref origin, (nuint)i);
                (r1 * x + i1 * Vector256.Shuffle(x, swap)).StoreUnsafe(ref origin, (nuint)i);
            }
        }
    }
}
