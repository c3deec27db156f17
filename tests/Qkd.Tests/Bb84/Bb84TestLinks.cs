using System.Collections.Immutable;
using Qkd.Bb84.Link;
using Qkd.Physics;

namespace Qkd.Tests.Bb84;

/// <summary>Links and settings shared by the simulator tests.</summary>
internal static class Bb84TestLinks
{
    /// <summary>GYS (Ma et al. 2005, Table I) with signal 0.48, weak decoy 0.05 and vacuum.</summary>
    public static ImmutableArray<PulseIntensity> VacuumWeak(double mu = 0.48, double nu = 0.05)
        => [new PulseIntensity("signal", mu, 0.7), new PulseIntensity("decoy", nu, 0.2), new PulseIntensity("vacuum", 0, 0.1)];

    /// <summary>Pulses needed for about <paramref name="clicks"/> clicks of the least-probable intensity's expected gain (capped).</summary>
    public static long PulsesFor(LinkDescription link, ImmutableArray<PulseIntensity> intensities, double clicks, long cap = 4_000_000_000)
    {
        var minRate = double.MaxValue;
        foreach (var i in intensities)
        {
            if (i.MeanPhotonNumber > 0)
            {
                minRate = Math.Min(minRate, i.Probability * Qkd.KeyRate.ChannelStatistics.Gain(link, i.MeanPhotonNumber));
            }
        }
        return (long)Math.Min(cap, clicks / minRate);
    }

    /// <summary>A link without dead time or afterpulses (what the analytic model describes).</summary>
    public static LinkDescription WithoutDeadTime(LinkDescription link)
    {
        var d = link.Detector;
        return link.WithDetector(new Detector(d.Efficiency, d.DarkCountProbability, d.Misalignment));
    }

    /// <summary>|observed - expected| within k standard deviations of a binomial(n, p) count.</summary>
    public static void WithinSigmas(long observed, long n, double p, double k, string what)
    {
        var sigma = Math.Sqrt(n * p * (1 - p));
        var diff = Math.Abs(observed - n * p);
        Assert.True(diff <= k * sigma + 1e-9 * n, $"{what}: observed {observed} of {n}, expected {n * p:F1} +- {k}x{sigma:F1} (p = {p:G6}, off by {diff / Math.Max(sigma, 1e-300):F2} sigma).");
    }
}
