using Qkd.Bb84.Link;
using Qkd.Bb84.Sifting;
using Qkd.KeyRate;

namespace Qkd.Bb84.Estimation;

/// <summary>
/// A live test of the decoy idea itself, for windows far shorter than a key block: in an honest channel a pulse's
/// chance of a click depends only on its photon number, so the decoy-to-signal gain ratio is Q_nu / Q_mu of the
/// fibre model (Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eq. (9), via <see cref="ChannelStatistics.Gain(double, double, double)"/>); a
/// photon-number-splitting Eve who keeps the signal gain (Brassard et al., PRL 85, 1330 (2000)) blocks mostly
/// single photons, which a decoy pulse is far more likely to hold, so the decoy's share of the clicks falls
/// (Hwang, PRL 91, 057901 (2003); Lo, Ma, Chen, PRL 94, 230504 (2005): the statistics of decoy and signal pulses
/// must match). Given n = D_mu + D_nu clicks at the two intensities, D_nu is binomial with
/// p0 = N_nu r / (N_nu r + N_mu), r = Q_nu / Q_mu, in an honest channel; the check reports
/// z = (D_nu - n p0) / sqrt(n p0 (1 - p0)). Detector dead time blocks pulses whatever their intensity, so it
/// cancels in the ratio. The ratio barely depends on the transmittance (about nu / mu for small eta mu), so a
/// link whose loss drifts does not trip it.
/// </summary>
public static class DecoyGainCheck
{
    /// <summary>Alarm threshold on z: a decoy share five standard deviations low (about 3e-7 per honest window).</summary>
    public const double AlarmZ = -5;

    /// <summary>
    /// Expected honest decoy clicks the window needs before the check may raise an alarm: below about 100 the normal
    /// approximation of the binomial tail behind <see cref="AlarmZ"/> is poor (np(1-p) &gt;= 10 is the usual rule).
    /// </summary>
    public const double MinimumExpectedDecoyClicks = 100;

    /// <summary>z and the alarm verdict of one window, computed once (see <see cref="Evaluate(SimulationSettings, SiftingStatistics, int)"/>).</summary>
    /// <param name="Z">z of the decoy's share of the clicks; NaN without a decoy or clicks.</param>
    /// <param name="Alarm">True when the window holds enough clicks and <paramref name="Z"/> &lt;= <see cref="AlarmZ"/>.</param>
    public readonly record struct Verdict(double Z, bool Alarm);

    /// <summary>
    /// The check of the clicks at the signal (index 0) and decoy (index <paramref name="decoy"/>) intensities against
    /// the honest channel of <paramref name="settings"/>.
    /// </summary>
    public static Verdict Evaluate(SimulationSettings settings, SiftingStatistics statistics, int decoy = 1)
    {
        Guard.NotNull(settings);
        Guard.NotNull(statistics);
        var (expected, z) = Score(settings, statistics, decoy);
        return expected > 0 ? new Verdict(z, expected >= MinimumExpectedDecoyClicks && z <= AlarmZ) : new Verdict(double.NaN, false);
    }

    /// <summary>z of <see cref="Evaluate(SimulationSettings, SiftingStatistics, int)"/>.</summary>
    public static double ZScore(SimulationSettings settings, SiftingStatistics statistics, int decoy = 1) => Evaluate(settings, statistics, decoy).Z;

    /// <summary>The alarm verdict of <see cref="Evaluate(SimulationSettings, SiftingStatistics, int)"/>.</summary>
    public static bool Alarm(SimulationSettings settings, SiftingStatistics statistics, int decoy = 1) => Evaluate(settings, statistics, decoy).Alarm;

    private static (double ExpectedDecoyClicks, double Z) Score(SimulationSettings settings, SiftingStatistics s, int decoy)
    {
        if (settings.Intensities.Length <= decoy || s.Pulses.Length <= decoy || decoy < 1)
        {
            return (0, double.NaN);
        }
        var link = settings.Link;
        var eta = link.OverallTransmittance;
        var y0 = link.BackgroundYield;
        var qMu = ChannelStatistics.Gain(settings.Intensities[0].MeanPhotonNumber, eta, y0);
        var qNu = ChannelStatistics.Gain(settings.Intensities[decoy].MeanPhotonNumber, eta, y0);
        double nMu = s.Pulses[0], nNu = s.Pulses[decoy];
        double n = s.Detections[0] + s.Detections[decoy];
        if (qMu <= 0 || nMu <= 0 || nNu <= 0 || n <= 0)
        {
            return (0, double.NaN);
        }
        var r = qNu / qMu;
        var p0 = nNu * r / (nNu * r + nMu);
        var sd = Math.Sqrt(n * p0 * (1 - p0));
        return (n * p0, sd > 0 ? (s.Detections[decoy] - n * p0) / sd : double.NaN);
    }
}
