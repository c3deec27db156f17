using Qkd.Bits;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class KeySamplingTests
{
    /// <summary>Bit by bit, the definition: the key's bits where the mask is set (or clear), in order.</summary>
    private static bool[] Expected(BitString key, BitString mask, bool keepSet)
    {
        var kept = new List<bool>();
        for (var i = 0; i < key.Length; i++)
        {
            if (mask[i] == keepSet)
            {
                kept.Add(key[i]);
            }
        }
        return [.. kept];
    }

    private static bool[] Bits(BitString s)
    {
        var bits = new bool[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            bits[i] = s[i];
        }
        return bits;
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(65, 7)]
    [InlineData(1000, 100)]
    [InlineData(100_000, 10_000)]
    [InlineData(100_037, 50_000)]
    public void SelectAndRemove_HardwareAndPortable_EqualTheDefinition(int n, int sample)
    {
        var random = SimRandom.ForStream(31, (ulong)n);
        var key = BitString.Random(n, ref random);
        var mask = KeySampling.ChoosePositions(n, sample, CryptoRandom.Shared);
        Assert.Equal(sample, mask.PopCount());
        foreach (var keepSet in new[] { true, false })
        {
            var expected = Expected(key, mask, keepSet);
            Assert.Equal(expected, Bits(KeySampling.Compact(key, mask, keepSet, useHardware: true)));
            Assert.Equal(expected, Bits(KeySampling.Compact(key, mask, keepSet, useHardware: false)));
        }
        Assert.Equal(n - sample, KeySampling.Remove(key, mask).Length);
        Assert.Equal(sample, KeySampling.Select(key, mask).Length);
    }
}
