namespace Qkd.KeyRate.Decoy;

/// <summary>Single-photon yield and error bounds estimated from decoy-state statistics.</summary>
/// <param name="Y1Lower">Lower bound on the single-photon yield Y1.</param>
/// <param name="E1Upper">Upper bound on the single-photon error rate e1, clipped to [0, 0.5].</param>
/// <param name="Q1Lower">Lower bound on the single-photon gain of signal pulses, Q1 = Y1 mu e^{-mu}.</param>
public sealed record DecoyBounds(double Y1Lower, double E1Upper, double Q1Lower)
{
    /// <summary>
    /// Vacuum + weak decoy bounds (Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eqs. (34) and (37)):
    /// Y1^L = mu / (mu nu - nu^2) * (Q_nu e^nu - Q_mu e^mu nu^2/mu^2 - (mu^2 - nu^2)/mu^2 * Y0),
    /// e1^U = (E_nu Q_nu e^nu - e0 Y0) / (Y1^L nu), Q1^L = Y1^L mu e^{-mu}.
    /// mu signal and nu weak-decoy intensities (photons/pulse), Q gains and E error rates per pulse,
    /// Y0 the measured vacuum yield. Valid for nu &lt; mu and mu + nu &lt; 1 (the paper's condition).
    /// </summary>
    public static DecoyBounds VacuumPlusWeak(double mu, double nu, double gainMu, double qberMu, double gainNu, double qberNu, double y0)
    {
        Guard.InRange(nu, 1e-9, mu, "photons/pulse", "Weak decoy intensity nu");
        _ = qberMu;
        var (y1, e1, q1) = Compute(mu, nu, gainMu, gainNu, qberNu, y0);
        return new DecoyBounds(y1, e1, q1);
    }

    /// <summary>The same bounds as a value tuple (Y1^L, e1^U, Q1^L), without allocation, for the key-rate models' hot path.</summary>
    internal static (double Y1Lower, double E1Upper, double Q1Lower) Compute(double mu, double nu, double gainMu, double gainNu, double qberNu, double y0)
    {
        var y1 = mu / (mu * nu - nu * nu)
            * (gainNu * Math.Exp(nu) - gainMu * Math.Exp(mu) * nu * nu / (mu * mu) - (mu * mu - nu * nu) / (mu * mu) * y0);
        y1 = Math.Max(0, y1);
        var e1 = y1 > 0 ? (qberNu * gainNu * Math.Exp(nu) - ChannelStatistics.BackgroundErrorRate * y0) / (y1 * nu) : 0.5;
        e1 = Math.Clamp(e1, 0, 0.5);
        return (y1, e1, y1 * mu * Math.Exp(-mu));
    }
}
