using Qkd.Physics;

namespace Qkd.KeyRate;

/// <summary>
/// Expected detection statistics of a weak-coherent (or single-photon) BB84 link in the standard
/// fibre model with a threshold detector: per-pulse gain, error rate, n-photon yields and errors.
/// </summary>
/// <remarks>
/// Source: Ma, Qi, Zhao, Lo, "Practical decoy state for quantum key distribution", PRA 72, 012326
/// (2005), Eqs. (6)-(11); Lo, Ma, Chen, PRL 94, 230504 (2005). Valid when dark counts and
/// signal are independent and each background count gives a random bit (e0 = 1/2).
/// </remarks>
public static class ChannelStatistics
{
    /// <summary>Error rate of a background (dark/noise) count: e0 = 1/2.</summary>
    public const double BackgroundErrorRate = 0.5;

    /// <summary>
    /// Yield of an n-photon pulse: Y_n = Y0 + eta_n - Y0 eta_n with eta_n = 1 - (1 - eta)^n.
    /// Ma et al. 2005, Eqs. (6)-(7).
    /// </summary>
    public static double Yield(int photonNumber, double eta, double y0)
    {
        var etaN = 1 - Math.Pow(1 - eta, photonNumber);
        return y0 + etaN - y0 * etaN;
    }

    /// <summary>Error rate of n-photon pulses: e_n = (e0 Y0 + e_det eta_n) / Y_n. Ma et al. 2005, Eq. (8).</summary>
    public static double ErrorRate(int photonNumber, double eta, double y0, double misalignment)
    {
        var etaN = 1 - Math.Pow(1 - eta, photonNumber);
        var yn = Yield(photonNumber, eta, y0);
        return yn <= 0 ? BackgroundErrorRate : (BackgroundErrorRate * y0 + misalignment * etaN) / yn;
    }

    /// <summary>
    /// Gain of a weak coherent pulse with mean photon number mu: Q_mu = Y0 + 1 - exp(-eta mu).
    /// Ma et al. 2005, Eq. (9) (the exact form is Y0 + (1 - Y0)(1 - e^{-eta mu}); the paper drops the
    /// Y0(1-e^{-eta mu}) cross term, which is below 1e-5 relative for any realistic link; we keep it).
    /// </summary>
    public static double Gain(double mu, double eta, double y0)
    {
        var signal = -Numerics.ExpM1(-eta * mu);
        return y0 + signal - y0 * signal;
    }

    /// <summary>
    /// Quantum bit error rate of pulses with mean photon number mu:
    /// E_mu = (e0 Y0 + e_det (1 - exp(-eta mu))) / Q_mu. Ma et al. 2005, Eq. (9).
    /// </summary>
    public static double Qber(double mu, double eta, double y0, double misalignment)
    {
        var signal = -Numerics.ExpM1(-eta * mu);
        var q = y0 + signal - y0 * signal;
        return q <= 0 ? BackgroundErrorRate : (BackgroundErrorRate * y0 + misalignment * (signal - y0 * signal)) / q;
    }

    /// <summary>
    /// Gain Q_mu and QBER E_mu of weak coherent pulses of intensity mu on the link, whatever its source kind
    /// (<see cref="Gain(double, double, double)"/> and <see cref="Qber(double, double, double, double)"/>: Ma, Qi, Zhao, Lo,
    /// PRA 72, 012326 (2005), Eq. (9)); the signal statistics every weak-coherent model starts from.
    /// </summary>
    public static (double Gain, double Qber) WeakCoherentSignal(LinkDescription link, double mu)
        => (Gain(mu, link.OverallTransmittance, link.BackgroundYield),
            Qber(mu, link.OverallTransmittance, link.BackgroundYield, link.Detector.Misalignment));

    /// <summary>Gain of the link's pulses at intensity mu (weak coherent) or of single photons.</summary>
    public static double Gain(LinkDescription link, double mu)
        => link.Source.Kind == SourceKind.SinglePhoton
            ? Yield(1, link.OverallTransmittance, link.BackgroundYield)
            : Gain(mu, link.OverallTransmittance, link.BackgroundYield);

    /// <summary>QBER of the link's pulses at intensity mu (weak coherent) or of single photons.</summary>
    public static double Qber(LinkDescription link, double mu)
        => link.Source.Kind == SourceKind.SinglePhoton
            ? ErrorRate(1, link.OverallTransmittance, link.BackgroundYield, link.Detector.Misalignment)
            : Qber(mu, link.OverallTransmittance, link.BackgroundYield, link.Detector.Misalignment);
}
