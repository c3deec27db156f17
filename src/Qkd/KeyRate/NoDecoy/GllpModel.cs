using Qkd.Physics;

namespace Qkd.KeyRate.NoDecoy;

/// <summary>`gllp`: weak coherent pulses without decoy states (Gottesman-Lo-Lütkenhaus-Preskill).</summary>
/// <remarks>
/// R = q { -Q_mu f h(E_mu) + Q_mu (1 - Delta) [1 - h(E_mu / (1 - Delta))] }, with
/// Delta = P_multi / Q_mu the worst-case fraction of detections from multi-photon pulses and
/// P_multi = 1 - (1 + mu) e^{-mu} the probability that Alice emits two or more photons (all assumed
/// to reach Bob under a photon-number-splitting attack).
/// Sources: Gottesman, Lo, Lütkenhaus, Preskill, QIC 4, 325 (2004), Eq. for R in Sec. "Main result";
/// in this notation Lo, Ma, Chen, PRL 94, 230504 (2005), Eq. (1) with Q1 = Q_mu - P_multi and
/// e1 = E_mu Q_mu / Q1 (their discussion of the non-decoy bound). Q_mu and E_mu: Ma et al. PRA 72, 012326, Eq. (9).
/// </remarks>
public sealed class GllpModel : IKeyRateModel
{
    public string Name => "gllp";

    public string Summary => "weak coherent pulses, no decoy (GLLP, QIC 4, 325, 2004)";

    public bool OptimisesMu => true;

    public (double Min, double Max) MuSearchRange(LinkDescription link) => (1e-5, 1.0);

    public KeyRatePoint Evaluate(LinkDescription link, double mu)
    {
        var (q, e) = ChannelStatistics.WeakCoherentSignal(link, mu);
        // P_multi = 1 - (1 + mu) e^{-mu}, written to keep digits for small mu.
        var pMulti = -Numerics.ExpM1(-mu) - mu * Math.Exp(-mu);
        var q1 = q - pMulti;
        double rate;
        if (q1 <= 0)
        {
            // All detections may come from multi-photon pulses: the bound is -Q f h(E) + (Q1 <= 0) terms.
            rate = link.SiftingFactor * (-q * link.ErrorCorrectionEfficiency * Entropy.Binary(e) + q1);
        }
        else
        {
            var e1 = Math.Min(0.5, e * q / q1);
            rate = link.SiftingFactor * (-q * link.ErrorCorrectionEfficiency * Entropy.Binary(e) + q1 * (1 - Entropy.Binary(e1)));
        }
        return new KeyRatePoint(mu, q, e, rate);
    }
}
