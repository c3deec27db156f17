using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Qkd.Bb84.Sifting;

/// <summary>Builds <see cref="SiftingStatistics"/> from public per-detection data (same code at both ends).</summary>
internal static class SiftingTally
{
    /// <summary>Counts per intensity (intensity of click i = intensities[i] &gt;&gt; intensityShift) and per basis.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SiftingStatistics Build(ReadOnlySpan<byte> intensities, int intensityShift, ReadOnlySpan<SiftedRole> roles, ReadOnlySpan<byte> bobBasis,
        ImmutableArray<long> pulses, long[] disclosed, long[] errors, long keyBits)
    {
        var k = pulses.Length;
        var detections = new long[k];
        var sifted = new long[2 * k];
        for (var i = 0; i < intensities.Length; i++)
        {
            var intensity = intensities[i] >> intensityShift;
            detections[intensity]++;
            sifted[intensity * 2 + bobBasis[i]] += roles[i] != SiftedRole.Discarded ? 1 : 0;
        }
        return new SiftingStatistics(pulses, [.. detections], [.. sifted], [.. disclosed], [.. errors], keyBits);
    }
}
