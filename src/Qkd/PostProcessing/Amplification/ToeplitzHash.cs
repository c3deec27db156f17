using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>
/// Privacy amplification by Toeplitz hashing: y = T x over GF(2) with the m x n Toeplitz matrix
/// T[i][j] = s[i - j + n - 1] defined by a uniformly random seed s of n + m - 1 bits.
/// </summary>
/// <remarks>
/// Toeplitz matrices with a uniform seed form a universal family (Carter and Wegman 1979; Krawczyk, CRYPTO '94,
/// LNCS 839, 129), so by the leftover hash lemma (Impagliazzo, Levin, Luby 1989; in the QKD form of
/// Tomamichel, Schaffner, Smith, Renner, IEEE Trans. Inf. Theory 57, 5524 (2011)) the output is
/// eps-close to uniform and independent of Eve when m is the finite-key length.
/// Fast path, O(n^log2(3)) word operations: T is cut into m x m square Toeplitz blocks along the columns; each
/// block-vector product is a recursive Toeplitz-matrix-vector product of Karatsuba type (an N x N product
/// costs three N/2 x N/2 products: y_top = A(x_top + x_bot) + (A + B) x_bot, y_bot = A(x_top + x_bot) + (A + C) x_top
/// for T = [[A, B], [C, A]]), down to a base case computed as the middle part of a carry-less polynomial
/// product with PCLMULQDQ (portable shift-and-XOR multiply otherwise). The result is exact; a property test
/// pins it bit for bit to <see cref="HashNaive"/>.
/// </remarks>
public static class ToeplitzHash
{
    /// <summary>Largest base-case size in 64-bit words (tuned with the PA benchmark).</summary>
    internal const int BaseWords = 16;

    /// <summary>Number of seed bits a hash from n to m bits needs: n + m - 1.</summary>
    public static int SeedBits(int inputBits, int outputBits) => outputBits == 0 ? 0 : inputBits + outputBits - 1;

    /// <summary>The reference: y_i = XOR_j s[i - j + n - 1] x_j, bit by bit, O(n m).</summary>
    public static BitString HashNaive(BitString seed, BitString input, int outputBits)
    {
        Validate(seed, input, outputBits);
        var n = input.Length;
        var y = new BitString(outputBits);
        for (var i = 0; i < outputBits; i++)
        {
            var acc = false;
            for (var j = 0; j < n; j++)
            {
                acc ^= input[j] & seed[i - j + n - 1];
            }
            y[i] = acc;
        }
        return y;
    }

    /// <summary>The fast product (hardware carry-less multiply when available).</summary>
    public static BitString Hash(BitString seed, BitString input, int outputBits) => Hash(seed, input, outputBits, Pclmulqdq.IsSupported);

    /// <summary>The fast product, forcing the portable multiply when <paramref name="useHardware"/> is false (for tests).</summary>
    public static BitString Hash(BitString seed, BitString input, int outputBits, bool useHardware)
    {
        Validate(seed, input, outputBits);
        var y = new BitString(outputBits);
        if (outputBits == 0 || input.Length == 0)
        {
            return y;
        }
        var n = input.Length;
        var m = outputBits;
        var mWords = BitString.WordCount(m);
        var levels = 0;
        while (((mWords + (1 << levels) - 1) >> levels) > BaseWords)
        {
            levels++;
        }
        var baseWords = (mWords + (1 << levels) - 1) >> levels;
        var w = baseWords << levels;
        var bigM = (long)w * 64;
        var pool = ArrayPool<ulong>.Shared;
        var t = pool.Rent(2 * w);
        var x = pool.Rent(w);
        var part = pool.Rent(w);
        var scratch = pool.Rent(8 * w + 64);
        var acc = pool.Rent(w);
        try
        {
            var accumulator = acc.AsSpan(0, w);
            accumulator.Clear();
            var seedBits = seed.Length;
            for (long c = 0; c * m < n; c++)
            {
                var columnStart = c * m;
                var columns = (int)Math.Min(m, n - columnStart);
                ReadBits(input.Words, columnStart, columnStart + columns, x.AsSpan(0, w));
                ReadBits(seed.Words, n - bigM - columnStart, seedBits, t.AsSpan(0, 2 * w));
                Multiply(t.AsSpan(0, 2 * w), x.AsSpan(0, w), part.AsSpan(0, w), scratch, w, useHardware);
                for (var i = 0; i < mWords; i++)
                {
                    accumulator[i] ^= part[i];
                }
            }
            var words = y.MutableWords;
            accumulator[..mWords].CopyTo(words);
            var rem = m & 63;
            if (rem != 0)
            {
                words[^1] &= (1UL << rem) - 1;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(part.AsSpan()));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scratch.AsSpan()));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(acc.AsSpan()));
            pool.Return(t);
            pool.Return(x);
            pool.Return(part);
            pool.Return(scratch);
            pool.Return(acc);
        }
        return y;
    }

    private static void Validate(BitString seed, BitString input, int outputBits)
    {
        Guard.NotNull(seed);
        Guard.NotNull(input);
        Guard.InRange(outputBits, 0, input.Length);
        Guard.SameLength(seed.Length, SeedBits(input.Length, outputBits), "Toeplitz seed (n + m - 1 bits)");
    }

    /// <summary>destination = bits [offset, offset + 64 * destination.Length) of source, zero outside [0, limit).</summary>
    private static void ReadBits(ReadOnlySpan<ulong> source, long offset, long limit, Span<ulong> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            var start = offset + 64L * i;
            ulong word;
            if (start >= limit || start + 64 <= 0)
            {
                word = 0;
            }
            else if (start < 0)
            {
                word = BitString.ReadWord(source, 0, (int)limit) << (int)-start;
            }
            else
            {
                word = BitString.ReadWord(source, (int)start, (int)limit);
            }
            destination[i] = word;
        }
    }

    /// <summary>y = T x for the (64 w) x (64 w) Toeplitz matrix with diagonal vector t (2 w words, top bit unused).</summary>
    private static void Multiply(ReadOnlySpan<ulong> t, ReadOnlySpan<ulong> x, Span<ulong> y, Span<ulong> scratch, int w, bool hardware)
    {
        if (w <= BaseWords || (w & 1) != 0)
        {
            if (hardware)
            {
                BaseCaseHardware(t, x, y, w);
            }
            else
            {
                BaseCasePortable(t, x, y, w);
            }
            return;
        }
        var h = w >> 1;
        var sx = scratch[..h];
        var tab = scratch.Slice(h, w);
        var tac = scratch.Slice(h + w, w);
        var p0 = scratch.Slice(h + 2 * w, h);
        var p1 = scratch.Slice(2 * h + 2 * w, h);
        var rest = scratch[(3 * h + 2 * w)..];
        var ta = t.Slice(h, w);
        Xor(x[..h], x[h..w], sx);
        Xor(ta, t[..w], tab);
        Xor(ta, t.Slice(w, w), tac);
        Multiply(ta, sx, p0, rest, h, hardware);
        Multiply(tab, x[h..w], p1, rest, h, hardware);
        Xor(p0, p1, y[..h]);
        Multiply(tac, x[..h], p1, rest, h, hardware);
        Xor(p0, p1, y[h..w]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Xor(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= destination.Length; i += 4)
            {
                (Vector256.Create(a.Slice(i, 4)) ^ Vector256.Create(b.Slice(i, 4))).CopyTo(destination.Slice(i, 4));
            }
        }
        for (; i < destination.Length; i++)
        {
            destination[i] = a[i] ^ b[i];
        }
    }

    /// <summary>Middle product: y = bits [64w - 1, 128w - 1) of the carry-less product t * x.</summary>
    private static void BaseCaseHardware(ReadOnlySpan<ulong> t, ReadOnlySpan<ulong> x, Span<ulong> y, int w)
    {
        if (Pclmulqdq.V512.IsSupported)
        {
            BaseCaseWide(t, x, y, w);
            return;
        }
        Span<ulong> product = stackalloc ulong[2 * BaseWords + 4];
        product.Clear();
        for (var k = Math.Max(0, w - 2); k <= 2 * w - 1; k++)
        {
            var acc = Vector128<ulong>.Zero;
            var jMin = Math.Max(0, k - 2 * w + 1);
            var jMax = Math.Min(w - 1, k);
            for (var j = jMin; j <= jMax; j++)
            {
                acc ^= Pclmulqdq.CarrylessMultiply(Vector128.CreateScalarUnsafe(t[k - j]), Vector128.CreateScalarUnsafe(x[j]), 0x00);
            }
            product[k - (w - 2)] ^= acc.ToScalar();
            product[k - (w - 2) + 1] ^= acc.GetElement(1);
        }
        Extract(product, y, w);
    }

    /// <summary>
    /// The same middle product with 512-bit VPCLMULQDQ: for a group of 8 consecutive output diagonals k..k+7 and
    /// each x_j, one 8-word load of t starting at k - j feeds two instructions (low and high qwords of each lane),
    /// i.e. 8 carry-less products per pair. t is copied into a zero-padded buffer so edge terms multiply zero.
    /// </summary>
    private static unsafe void BaseCaseWide(ReadOnlySpan<ulong> t, ReadOnlySpan<ulong> x, Span<ulong> y, int w)
    {
        const int Pad = 16;
        var padded = stackalloc ulong[2 * BaseWords + 2 * Pad];
        var product = stackalloc ulong[2 * BaseWords + 24];
        var even = stackalloc ulong[8];
        var odd = stackalloc ulong[8];
        for (var i = 0; i < 2 * BaseWords + 2 * Pad; i++)
        {
            padded[i] = 0;
        }
        for (var i = 0; i < 2 * BaseWords + 24; i++)
        {
            product[i] = 0;
        }
        t[..(2 * w)].CopyTo(new Span<ulong>(padded + Pad, 2 * w));
        var first = w - 2;
        fixed (ulong* xp = x)
        {
            for (var k = first; k <= 2 * w - 1; k += 8)
            {
                var accEven = Vector512<ulong>.Zero;
                var accOdd = Vector512<ulong>.Zero;
                for (var j = 0; j < w; j++)
                {
                    var a = Vector512.Load(padded + Pad + k - j);
                    var b = Vector512.Create(xp[j]);
                    accEven ^= Pclmulqdq.V512.CarrylessMultiply(a, b, 0x00);
                    accOdd ^= Pclmulqdq.V512.CarrylessMultiply(a, b, 0x01);
                }
                accEven.Store(even);
                accOdd.Store(odd);
                var o = k - first;
                for (var l = 0; l < 4; l++)
                {
                    product[o + 2 * l] ^= even[2 * l];
                    product[o + 2 * l + 1] ^= even[2 * l + 1];
                    product[o + 2 * l + 1] ^= odd[2 * l];
                    product[o + 2 * l + 2] ^= odd[2 * l + 1];
                }
            }
        }
        Extract(new ReadOnlySpan<ulong>(product, 2 * BaseWords + 24), y, w);
    }

    private static void BaseCasePortable(ReadOnlySpan<ulong> t, ReadOnlySpan<ulong> x, Span<ulong> y, int w)
    {
        Span<ulong> product = stackalloc ulong[2 * BaseWords + 4];
        product.Clear();
        for (var k = w - 2; k <= 2 * w - 1; k++)
        {
            if (k < 0)
            {
                continue;
            }
            ulong lo = 0, hi = 0;
            var jMin = Math.Max(0, k - 2 * w + 1);
            var jMax = Math.Min(w - 1, k);
            for (var j = jMin; j <= jMax; j++)
            {
                lo ^= CarrylessMultiply.MultiplyPortable(t[k - j], x[j], out var h);
                hi ^= h;
            }
            product[k - (w - 2)] ^= lo;
            product[k - (w - 2) + 1] ^= hi;
        }
        Extract(product, y, w);
    }

    /// <summary>product[0] holds word w-2 of t*x; y_i = coefficient 64w - 1 + i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Extract(ReadOnlySpan<ulong> product, Span<ulong> y, int w)
    {
        for (var i = 0; i < w; i++)
        {
            y[i] = (product[i + 1] >> 63) | (product[i + 2] << 1);
        }
    }
}
