namespace Qkd.Quantum.Qrng;

/// <summary>Entropy estimates from observed samples.</summary>
public static class MinEntropyEstimate
{
    /// <summary>
    /// The Most Common Value estimate of NIST SP 800-90B (2018), Sec. 6.3.1: p_hat = (count of the most
    /// common value) / L, p_u = min(1, p_hat + 2.576 sqrt(p_hat (1 - p_hat) / (L - 1))), H = -log2 p_u
    /// [bits/sample]. L &gt;= 2 samples.
    /// </summary>
    public static double MostCommonValue(ReadOnlySpan<byte> samples)
    {
        Guard.InRange(samples.Length, 2, int.MaxValue, "sample count");
        Span<int> counts = stackalloc int[256];
        counts.Clear();
        var max = 0;
        foreach (var s in samples)
        {
            max = Math.Max(max, ++counts[s]);
        }
        return MostCommonValue(max, samples.Length);
    }

    /// <summary>The same estimate from the count of the most common value among <paramref name="sampleCount"/> samples.</summary>
    public static double MostCommonValue(long mostCommonCount, long sampleCount)
    {
        Guard.InRange(sampleCount, 2, long.MaxValue, "sample count");
        Guard.InRange(mostCommonCount, 1, sampleCount, "count of the most common value");
        var p = mostCommonCount / (double)sampleCount;
        var upper = Math.Min(1, p + 2.576 * Math.Sqrt(p * (1 - p) / (sampleCount - 1)));
        var h = -Math.Log2(upper);
        return h > 0 ? h : 0;
    }
}
