using System.Globalization;

namespace Qkd.Physics;

/// <summary>
/// How a dead-time-limited (saturated) receiver's detection rate scales with the channel, and the inverse:
/// the saturation a measured rate ratio implies. Used to read papers that report rates at several distances
/// without saying whether their receiver was saturated (seed 002, docs/models.md "Reading the seeds").
/// </summary>
/// <remarks>
/// With a non-paralysable dead time tau [s] a receiver offered f Q detections per second (f repetition rate [Hz],
/// Q detection probability per pulse) records f Q / (1 + f Q tau) of them (Rusca et al., APL 112, 171104 (2018),
/// Eq. (B3), the factor <c>KeyRateAnalysis.DeadTimeFactor</c> uses). Write the saturation as x = f Q tau
/// (dimensionless); the recorded rate is proportional to D(x) = x / (1 + x). Extra loss of transmittance t
/// scales the offered rate to t x, so the recorded rate falls by r = D(t x) / D(x) = t (1 + x) / (1 + t x):
/// r = t when unsaturated (x -> 0), r -> 1 when fully saturated (x -> inf). Solving for x gives
/// x = (r - t) / (t - r t), defined for t &lt; r &lt; 1. Valid when dark counts and afterpulses are a
/// negligible share of the detections.
/// </remarks>
public static class DetectorSaturation
{
    /// <summary>
    /// Ratio r = t (1 + x) / (1 + t x) of the recorded detection rate after extra transmittance
    /// <paramref name="transmittance"/> (t in (0, 1]) to the rate before, at saturation x = f Q tau &gt;= 0 before.
    /// </summary>
    public static double RateRatio(double saturation, double transmittance)
    {
        Guard.NonNegative(saturation, "", "Detector saturation f Q tau");
        Guard.InRange(transmittance, double.Epsilon, 1, "", "Transmittance");
        return transmittance * (1 + saturation) / (1 + transmittance * saturation);
    }

    /// <summary>
    /// The saturation x = (r - t) / (t - r t) before the extra loss that makes the recorded rate fall by
    /// <paramref name="rateRatio"/> (r) through transmittance <paramref name="transmittance"/> (t);
    /// r must lie strictly between t (unsaturated) and 1 (fully saturated).
    /// </summary>
    public static double ImpliedSaturation(double rateRatio, double transmittance)
    {
        Guard.InRange(transmittance, double.Epsilon, 1, "", "Transmittance");
        if (!(rateRatio > transmittance && rateRatio < 1))
        {
            ThrowRatioOutOfRange(rateRatio, transmittance);
        }
        return (rateRatio - transmittance) / (transmittance - rateRatio * transmittance);
    }

    private static void ThrowRatioOutOfRange(double rateRatio, double transmittance)
        => throw new ArgumentOutOfRangeException(nameof(rateRatio), rateRatio, string.Create(CultureInfo.InvariantCulture,
            $"A saturated receiver's rate ratio must lie within ({transmittance:G4}, 1) for transmittance {transmittance:G4}, but was {rateRatio:G4}."));
}
