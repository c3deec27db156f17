using Qkd.Testbed.Link;

namespace Qkd.Testbed;

/// <summary>
/// The secret key rate of a link's clean blocks against the analytic model: net and gross rates pooled over the blocks
/// (total bits over total link time), the model's rate (time-weighted over the blocks), and the statistical band around
/// the model within which the measured net rate is expected: model +- 3 sigma, sigma the standard deviation of the
/// pooled rate from the Poisson spread of every block's counts propagated through the finite-key bound
/// (<see cref="BlockRecord.AnalyticStandardDeviationBps"/>): sigma = sqrt(sum_b (sigma_b T_b)^2) / sum_b T_b.
/// Where the model gives no spread (asymptotic models), the band falls back to the measured mean +- 3 standard errors of
/// the per-block rates (null with fewer than two blocks).
/// </summary>
public sealed record RateStatistics(double NetBps, double GrossBps, double AnalyticBps, (double Low, double High)? Band)
{
    /// <summary>Band half-width in standard deviations.</summary>
    public const double BandSigmas = 3;

    /// <summary>Statistics of <paramref name="blocks"/> (none: all zero).</summary>
    public static RateStatistics Of(IReadOnlyList<BlockRecord> blocks)
    {
        Guard.NotNull(blocks);
        if (blocks.Count == 0)
        {
            return new RateStatistics(0, 0, 0, null);
        }
        var seconds = blocks.Sum(b => b.LinkSecondsCovered);
        var net = blocks.Sum(b => b.SecretBits) / seconds;
        var gross = blocks.Sum(b => b.GrossSecretBits) / seconds;
        var analytic = blocks.Sum(b => b.AnalyticSecretKeyRateBps * b.LinkSecondsCovered) / seconds;
        if (blocks.All(b => b.AnalyticStandardDeviationBps > 0))
        {
            var sigma = Math.Sqrt(blocks.Sum(b => Math.Pow(b.AnalyticStandardDeviationBps * b.LinkSecondsCovered, 2))) / seconds;
            return new RateStatistics(net, gross, analytic, (analytic - BandSigmas * sigma, analytic + BandSigmas * sigma));
        }
        if (blocks.Count < 2)
        {
            return new RateStatistics(net, gross, analytic, null);
        }
        var rates = blocks.Select(b => b.SecretKeyRateBps).ToArray();
        var mean = rates.Average();
        var sd = Math.Sqrt(rates.Sum(r => (r - mean) * (r - mean)) / (rates.Length - 1));
        var half = BandSigmas * sd / Math.Sqrt(rates.Length);
        return new RateStatistics(net, gross, analytic, (mean - half, mean + half));
    }

    /// <summary>Whether the measured net rate and the model agree within the band (the band contains both).</summary>
    public bool? Agree => Band is { } b ? NetBps >= b.Low && NetBps <= b.High && AnalyticBps >= b.Low && AnalyticBps <= b.High : null;
}
