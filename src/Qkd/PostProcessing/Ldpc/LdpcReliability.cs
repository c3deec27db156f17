using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Chooses the bits a symmetric blind round reveals: the <c>count</c> positions of smallest |L_v| (the decoder's
/// least reliable beliefs) among those not excluded, ties to the lower position, returned ascending. A counting
/// selection over the 16-bit magnitudes: O(N + <see cref="LdpcDecoder.MaxMagnitude"/>), no sort.
/// </summary>
/// <remarks>
/// Kiktenko, Trushechkin, Lim, Kurochkin, Fedorov, Phys. Rev. Applied 8, 044017 (2017), arXiv:1612.03673:
/// after an unsuccessful belief-propagation decoding the parties disclose the bits with the smallest log-likelihood
/// magnitudes. <see cref="LeastReliable"/> finds the threshold magnitude by bisection over vector counts (a blind round
/// calls it once per round, up to 40 times a frame); <see cref="LeastReliableReference"/> (a histogram) is the scalar
/// reference it equals position for position (`LdpcReliabilityTests`). <see cref="LdpcBob"/> decodes the error pattern from the error syndrome, so the choice is a function of
/// the error syndrome and the bits already revealed (docs/postprocessing.md section 7: why the positions add no leak).
/// </remarks>
internal static class LdpcReliability
{
    /// <summary>
    /// Writes the chosen positions to <paramref name="positions"/> (its length is the count); returns how many were
    /// found. Vectorised: magnitudes (excluded ones above every candidate) in a pooled buffer, the threshold T = the
    /// smallest magnitude with at least count candidates at or below it by bisection over vector counts, then one pass
    /// that skips the blocks holding no candidate.
    /// </summary>
    public static int LeastReliable(ReadOnlySpan<short> beliefs, ReadOnlySpan<byte> excluded, Span<int> positions)
    {
        Guard.SameLength(excluded.Length, beliefs.Length, "Excluded positions");
        var count = positions.Length;
        var n = beliefs.Length;
        if (count == 0 || !Vector256.IsHardwareAccelerated || n < Vector256<short>.Count)
        {
            return LeastReliableReference(beliefs, excluded, positions);
        }
        var buffer = ArrayPool<short>.Shared.Rent(n);
        try
        {
            var magnitudes = buffer.AsSpan(0, n);
            Magnitudes(beliefs, excluded, magnitudes);
            // Galloping then bisection: lo has fewer than count candidates at or below it (or is -1), hi at least count
            // (or is the cap). The threshold is nearly always small (after a failed attempt many beliefs are near 0), so
            // hi doubles from 15 first: ~8 counting passes instead of 15 from the cap, same threshold.
            int lo = -1, hi = GallopStart;
            bool enough;
            while (!(enough = CountAtMost(magnitudes, hi) >= count) && hi < LdpcDecoder.MaxMagnitude)
            {
                lo = hi;
                hi = Math.Min(2 * hi + 1, (int)LdpcDecoder.MaxMagnitude);
            }
            if (enough)
            {
                while (hi - lo > 1)
                {
                    var mid = (lo + hi) / 2;
                    if (CountAtMost(magnitudes, mid) >= count)
                    {
                        hi = mid;
                    }
                    else
                    {
                        lo = mid;
                    }
                }
            }
            var threshold = hi;
            var atThreshold = count - (threshold > 0 ? CountAtMost(magnitudes, threshold - 1) : 0);
            var found = 0;
            var t = Vector256.Create((short)threshold);
            var v = 0;
            for (; v + Vector256<short>.Count <= n && found < count; v += Vector256<short>.Count)
            {
                // The block's candidates at or below the threshold, visited in ascending order by their mask bits.
                var block = Vector256.Create(magnitudes.Slice(v, Vector256<short>.Count));
                var candidates = Vector256.LessThanOrEqual(block, t).ExtractMostSignificantBits();
                if (candidates == 0)
                {
                    continue;
                }
                var below = Vector256.LessThan(block, t).ExtractMostSignificantBits();
                while (candidates != 0 && found < count)
                {
                    var k = System.Numerics.BitOperations.TrailingZeroCount(candidates);
                    candidates &= candidates - 1;
                    if ((below >> k & 1) != 0 || atThreshold-- > 0)
                    {
                        positions[found++] = v + k;
                    }
                }
            }
            for (; v < n && found < count; v++)
            {
                Take(magnitudes[v], v, threshold, ref atThreshold, positions, ref found);
            }
            return found;
        }
        finally
        {
            ArrayPool<short>.Shared.Return(buffer);
        }
    }

    /// <summary>First upper bound the threshold search tries [fixed-point units].</summary>
    private const int GallopStart = 15;

    private static void Take(short magnitude, int v, int threshold, ref int atThreshold, Span<int> positions, ref int found)
    {
        if (magnitude < threshold || (magnitude == threshold && atThreshold-- > 0))
        {
            positions[found++] = v;
        }
    }

    /// <summary>min(|L_v|, max) for candidates, max + 1 for excluded positions.</summary>
    private static void Magnitudes(ReadOnlySpan<short> beliefs, ReadOnlySpan<byte> excluded, Span<short> magnitudes)
    {
        var cap = Vector256.Create(LdpcDecoder.MaxMagnitude);
        var above = Vector256.Create((short)(LdpcDecoder.MaxMagnitude + 1));
        var i = 0;
        for (; i + Vector256<short>.Count <= beliefs.Length; i += Vector256<short>.Count)
        {
            var m = Vector256.Min(Vector256.Abs(Vector256.Create(beliefs.Slice(i, Vector256<short>.Count))), cap);
            var x = Vector256.WidenLower(Vector128.Create(excluded.Slice(i, Vector128<byte>.Count)).ToVector256()).AsInt16();
            Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<short>.Zero), m, above).CopyTo(magnitudes.Slice(i, Vector256<short>.Count));
        }
        for (; i < beliefs.Length; i++)
        {
            magnitudes[i] = excluded[i] == 0 ? (short)Magnitude(beliefs[i]) : (short)(LdpcDecoder.MaxMagnitude + 1);
        }
    }

    /// <summary>Candidates with magnitude at most <paramref name="threshold"/>.</summary>
    private static int CountAtMost(ReadOnlySpan<short> magnitudes, int threshold)
    {
        var t = Vector256.Create((short)threshold);
        var sum = Vector256<short>.Zero;
        var total = 0;
        var i = 0;
        ref var m0 = ref MemoryMarshal.GetReference(magnitudes);
        while (i + Vector256<short>.Count <= magnitudes.Length)
        {
            // Up to 32,767 blocks per 16-bit partial sum (each lane adds at most one per block).
            var end = Math.Min(magnitudes.Length - Vector256<short>.Count, i + 32_000 * Vector256<short>.Count);
            for (; i <= end; i += Vector256<short>.Count)
            {
                sum -= Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref m0, (nuint)i), t);
            }
            total += Vector256.Sum(Vector256.WidenLower(sum.AsUInt16()).AsInt32()) + Vector256.Sum(Vector256.WidenUpper(sum.AsUInt16()).AsInt32());
            sum = Vector256<short>.Zero;
        }
        for (; i < magnitudes.Length; i++)
        {
            total += magnitudes[i] <= threshold ? 1 : 0;
        }
        return total;
    }

    /// <summary>The scalar reference of <see cref="LeastReliable"/>: a histogram of the magnitudes, O(N + max).</summary>
    internal static int LeastReliableReference(ReadOnlySpan<short> beliefs, ReadOnlySpan<byte> excluded, Span<int> positions)
    {
        Guard.SameLength(excluded.Length, beliefs.Length, "Excluded positions");
        var count = positions.Length;
        if (count == 0)
        {
            return 0;
        }
        var histogram = new int[LdpcDecoder.MaxMagnitude + 2];
        for (var v = 0; v < beliefs.Length; v++)
        {
            if (excluded[v] == 0)
            {
                histogram[Magnitude(beliefs[v])]++;
            }
        }
        // threshold: the smallest magnitude T with at least count candidates at or below it.
        var below = 0;
        var threshold = 0;
        for (; threshold < histogram.Length; threshold++)
        {
            if (below + histogram[threshold] >= count)
            {
                break;
            }
            below += histogram[threshold];
        }
        var atThreshold = count - below;
        var found = 0;
        for (var v = 0; v < beliefs.Length && found < count; v++)
        {
            if (excluded[v] != 0)
            {
                continue;
            }
            var m = Magnitude(beliefs[v]);
            if (m < threshold || (m == threshold && atThreshold-- > 0))
            {
                positions[found++] = v;
            }
        }
        return found;
    }

    private static int Magnitude(short belief) => Math.Min(Math.Abs((int)belief), LdpcDecoder.MaxMagnitude);
}
