using System.Numerics;
using System.Runtime.Intrinsics.X86;
using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>Random sampling of key positions for parameter estimation, and removal of the disclosed bits.</summary>
public static class KeySampling
{
    /// <summary>
    /// <paramref name="count"/> distinct positions in [0, n), uniformly at random from cryptographic randomness,
    /// as a packed mask (bit i set when position i is sampled). Mapping a 64-bit word r to floor(r n / 2^64)
    /// has bias below n / 2^64, negligible here.
    /// </summary>
    public static BitString ChoosePositions(int n, int count, ISecretRandom random)
    {
        Guard.InRange(count, 0, n);
        Guard.NotNull(random);
        var mask = new BitString(n);
        var words = mask.MutableWords;
        var chosen = 0;
        // The draw size stays max(16, count / 4) words (a replayed secret-randomness stream gives the same mask); the
        // buffer itself is pooled.
        var length = Math.Max(16, count / 4);
        var rented = System.Buffers.ArrayPool<ulong>.Shared.Rent(length);
        var buffer = rented.AsSpan(0, length);
        while (chosen < count)
        {
            random.Fill(buffer);
            foreach (var r in buffer)
            {
                var i = (int)Math.BigMul(r, (ulong)n, out _);
                var bit = 1UL << (i & 63);
                if ((words[i >> 6] & bit) == 0)
                {
                    words[i >> 6] |= bit;
                    if (++chosen == count)
                    {
                        break;
                    }
                }
            }
        }
        System.Buffers.ArrayPool<ulong>.Shared.Return(rented);
        return mask;
    }

    /// <summary>The bits of <paramref name="key"/> at the set positions of <paramref name="mask"/>, in order.</summary>
    public static BitString Select(BitString key, BitString mask) => Compact(key, mask, true);

    /// <summary>The bits of <paramref name="key"/> outside the set positions of <paramref name="mask"/>, in order.</summary>
    public static BitString Remove(BitString key, BitString mask) => Compact(key, mask, false);

    /// <summary>
    /// The bits of <paramref name="key"/> where <paramref name="mask"/> is set (<paramref name="keepSet"/>) or clear,
    /// in order. Word by word: the kept bits of a word are gathered with one parallel bit extract (BMI2 PEXT where
    /// the CPU has it, else the portable loop) and appended at the output position, no branch per bit.
    /// </summary>
    internal static BitString Compact(BitString key, BitString mask, bool keepSet, bool useHardware = true)
    {
        Guard.SameLength(key.Length, mask.Length, "Key and sample mask");
        var ones = mask.PopCount();
        var result = new BitString(keepSet ? ones : key.Length - ones);
        Compact(key.Words, key.Length, mask.Words, keepSet, result.MutableWords, useHardware);
        return result;
    }

    /// <summary>
    /// <see cref="Compact(BitString, BitString, bool, bool)"/> on spans: the kept bits of the <paramref name="length"/>-bit
    /// <paramref name="key"/> go to <paramref name="output"/>, which must be zero (callers own and clear it). Returns the
    /// number of bits written.
    /// </summary>
    internal static int Compact(ReadOnlySpan<ulong> key, int length, ReadOnlySpan<ulong> mask, bool keepSet, Span<ulong> output, bool useHardware = true)
    {
        var hardware = useHardware && Bmi2.X64.IsSupported;
        var words = BitString.WordCount(length);
        var o = 0;
        for (var w = 0; w < words; w++)
        {
            var keep = keepSet ? mask[w] : ~mask[w];
            if (w == words - 1 && (length & 63) != 0)
            {
                keep &= (1UL << (length & 63)) - 1;
            }
            if (keep == 0)
            {
                continue;
            }
            var bits = hardware ? Bmi2.X64.ParallelBitExtract(key[w], keep) : ExtractPortable(key[w], keep);
            var shift = o & 63;
            output[o >> 6] |= bits << shift;
            var count = BitOperations.PopCount(keep);
            if (shift != 0 && shift + count > 64)
            {
                output[(o >> 6) + 1] |= bits >> (64 - shift);
            }
            o += count;
        }
        return o;
    }

    /// <summary>Parallel bit extract: the bits of <paramref name="value"/> under <paramref name="mask"/>, packed from bit 0.</summary>
    private static ulong ExtractPortable(ulong value, ulong mask)
    {
        ulong result = 0;
        var o = 0;
        while (mask != 0)
        {
            var b = BitOperations.TrailingZeroCount(mask);
            result |= ((value >> b) & 1UL) << o++;
            mask &= mask - 1;
        }
        return result;
    }
}
