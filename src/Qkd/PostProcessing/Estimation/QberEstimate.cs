namespace Qkd.PostProcessing;

/// <summary>
/// Parameter estimation from a random sample of k disclosed bits: point estimate e/k and the upper confidence
/// bound e/k + mu of the error rate of the remaining n bits, mu from <see cref="Bb84FiniteKey.SamplingDeviation"/>
/// (Tomamichel et al. 2012, Eq. 2; holds except with probability about eps_sec).
/// </summary>
/// <param name="SampleBits">k: bits compared and discarded.</param>
/// <param name="SampleErrors">e: disagreements in the sample.</param>
/// <param name="Qber">e / k.</param>
/// <param name="UpperBound">min(0.5, e/k + mu).</param>
public sealed record QberEstimate(int SampleBits, int SampleErrors, double Qber, double UpperBound)
{
    /// <summary>
    /// The abort threshold: BB84 with one-way post-processing yields no key above
    /// Q = 11.0 % (1 - 2 h(Q) = 0; Shor and Preskill, PRL 85, 441 (2000)).
    /// </summary>
    public const double AbortThreshold = 0.110;

    /// <summary>Builds the estimate for a sample of <paramref name="sampleBits"/> bits out of a block with <paramref name="keyBits"/> remaining.</summary>
    public static QberEstimate FromSample(int sampleBits, int sampleErrors, int keyBits, double epsilonSecrecy)
    {
        Guard.InRange(sampleBits, 1, int.MaxValue);
        Guard.InRange(sampleErrors, 0, sampleBits);
        var q = (double)sampleErrors / sampleBits;
        var mu = Bb84FiniteKey.SamplingDeviation(Math.Max(1, keyBits), sampleBits, epsilonSecrecy);
        return new QberEstimate(sampleBits, sampleErrors, q, Math.Min(0.5, q + mu));
    }

    /// <summary>True when even the point estimate is above the abort threshold.</summary>
    public bool ShouldAbort => Qber > AbortThreshold;
}
