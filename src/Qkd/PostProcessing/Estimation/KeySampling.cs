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
        var buffer = new ulong[Math.Max(16, count / 4)];
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
        return mask;
    }

    /// <summary>The bits of <paramref name="key"/> at the set positions of <paramref name="mask"/>, in order.</summary>
    public static BitString Select(BitString key, BitString mask) => Compact(key, mask, true);

    /// <summary>The bits of <paramref name="key"/> outside the set positions of <paramref name="mask"/>, in order.</summary>
    public static BitString Remove(BitString key, BitString mask) => Compact(key, mask, false);

    private static BitString Compact(BitString key, BitString mask, bool keepSet)
    {
        Guard.SameLength(key.Length, mask.Length, "Key and sample mask");
        var ones = mask.PopCount();
        var result = new BitString(keepSet ? ones : key.Length - ones);
        var output = result.MutableWords;
        var k = key.Words;
        var m = mask.Words;
        var o = 0;
        for (var w = 0; w < k.Length; w++)
        {
            var keep = keepSet ? m[w] : ~m[w];
            if (w == k.Length - 1 && (key.Length & 63) != 0)
            {
                keep &= (1UL << (key.Length & 63)) - 1;
            }
            var bits = k[w];
            while (keep != 0)
            {
                var b = System.Numerics.BitOperations.TrailingZeroCount(keep);
                if (((bits >> b) & 1UL) != 0)
                {
                    output[o >> 6] |= 1UL << (o & 63);
                }
                o++;
                keep &= keep - 1;
            }
        }
        return result;
    }
}
