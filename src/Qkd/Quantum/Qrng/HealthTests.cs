namespace Qkd.Quantum.Qrng;

/// <summary>
/// The two continuous health tests of NIST SP 800-90B (January 2018), Sec. 4.4, with false-alarm
/// probability alpha = 2^-20 (the value Sec. 4.4 recommends), for a source that claims H bits of
/// min-entropy per sample.
/// </summary>
public static class HealthTests
{
    /// <summary>False-positive probability per test, alpha = 2^-20.</summary>
    public const double Alpha = 1.0 / (1 << 20);

    /// <summary>
    /// Repetition Count Test cutoff C = 1 + ceil(-log2(alpha) / H) (SP 800-90B Sec. 4.4.1): a run of
    /// C identical samples is a failure. H [bits/sample] in (0, 8].
    /// </summary>
    public static int RepetitionCountCutoff(double minEntropyBitsPerSample)
    {
        Guard.InRange(minEntropyBitsPerSample, 1e-3, 8, "bits/sample", "Claimed min-entropy");
        return 1 + (int)Math.Ceiling(-Math.Log2(Alpha) / minEntropyBitsPerSample);
    }

    /// <summary>Adaptive Proportion Test window W: 1024 for binary sources, 512 otherwise (SP 800-90B Sec. 4.4.2).</summary>
    public static int AdaptiveProportionWindow(int bitsPerSample) => bitsPerSample == 1 ? 1024 : 512;

    /// <summary>
    /// Adaptive Proportion Test cutoff C = 1 + CRITBINOM(W, 2^-H, 1 - alpha) (SP 800-90B Sec. 4.4.2):
    /// the smallest k with P[Binomial(W, 2^-H) &lt;= k] &gt;= 1 - alpha, plus one, capped at W.
    /// </summary>
    public static int AdaptiveProportionCutoff(double minEntropyBitsPerSample, int window)
    {
        Guard.InRange(minEntropyBitsPerSample, 1e-3, 8, "bits/sample", "Claimed min-entropy");
        Guard.InRange(window, 2, 1 << 16, "window");
        var p = Math.Pow(2, -minEntropyBitsPerSample);
        // Upper tail from k = W downwards: the smallest k with P[X > k] <= alpha.
        var tail = 0.0;
        var logP = Math.Log(p);
        var logQ = Qkd.KeyRate.Numerics.Log1P(-p);
        var logGammaW = SpecialFunctions.LogGamma(window + 1.0);
        for (var k = window; k >= 0; k--)
        {
            var pmf = Math.Exp(logGammaW - SpecialFunctions.LogGamma(k + 1.0) - SpecialFunctions.LogGamma(window - k + 1.0) + k * logP + (window - k) * logQ);
            if (tail + pmf > Alpha)
            {
                return Math.Min(window, 1 + k);
            }
            tail += pmf;
        }
        return 1;
    }

    /// <summary>
    /// Runs both tests over <paramref name="samples"/> continuously, as a source's firmware would: the
    /// RCT on every sample, the APT on consecutive windows of W samples (the first sample of a window
    /// is the value counted in it).
    /// </summary>
    public static HealthTestResult Run(ReadOnlySpan<byte> samples, double minEntropyBitsPerSample, int bitsPerSample)
    {
        var monitor = new HealthMonitor(minEntropyBitsPerSample, bitsPerSample);
        monitor.Feed(samples);
        return monitor.Result;
    }
}
