using Qkd.Testbed.Link;

namespace Qkd.Testbed;

/// <summary>
/// The secret key rate of a link's clean blocks against the analytic model: net and gross rates pooled over the blocks
/// (total bits over total link time), the model's rate (mean over the blocks), and the statistical band of the
/// measured net rate, mean +- 3 standard errors of the per-block rates (s / sqrt(n), s the sample standard deviation),
/// null with fewer than two blocks.
/// </summary>
public sealed record RateStatistics(double NetBps, double GrossBps, double AnalyticBps, (double Low, double High)? Band)
{
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
        var analytic = blocks.Average(b => b.AnalyticSecretKeyRateBps);
        if (blocks.Count < 2)
        {
            return new RateStatistics(net, gross, analytic, null);
        }
        var rates = blocks.Select(b => b.SecretKeyRateBps).ToArray();
        var mean = rates.Average();
        var sd = Math.Sqrt(rates.Sum(r => (r - mean) * (r - mean)) / (rates.Length - 1));
        var half = 3 * sd / Math.Sqrt(rates.Length);
        return new RateStatistics(net, gross, analytic, (mean - half, mean + half));
    }
}
