using System.Collections.Immutable;

namespace Qkd.Bb84;

/// <summary>Builds <see cref="SiftingStatistics"/> from public per-detection data (same code at both ends).</summary>
internal static class SiftingTally
{
    public static SiftingStatistics Build(ReadOnlySpan<byte> intensities, ReadOnlySpan<SiftedRole> roles, ReadOnlySpan<byte> bobBasis,
        ImmutableArray<long> pulses, long[] disclosed, long[] errors, long keyBits)
    {
        var k = pulses.Length;
        var detections = new long[k];
        var sifted = new long[2 * k];
        for (var i = 0; i < intensities.Length; i++)
        {
            detections[intensities[i]]++;
            if (roles[i] != SiftedRole.Discarded)
            {
                sifted[intensities[i] * 2 + bobBasis[i]]++;
            }
        }
        return new SiftingStatistics(pulses, [.. detections], [.. sifted], [.. disclosed], [.. errors], keyBits);
    }
}
