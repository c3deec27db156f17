namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// Finite-size bounds on the single-photon content of a block of weak-coherent BB84 without decoys: the GLLP worst
/// case (every multi-photon pulse Eve's) with the statistical deviations of a finite block added, so a block
/// without decoys is never distilled from asymptotic bounds.
/// </summary>
/// <remarks>
/// Asymptotically GLLP bounds the fraction of detections from multi-photon pulses by Delta = P_multi / Q
/// (Gottesman, Lo, Lütkenhaus, Preskill, QIC 4, 325 (2004), Sec. 5; P_multi = 1 - e^-mu (1 + mu) for a Poissonian
/// source of mean photon number mu, Q the gain). For a block of N pulses and D detections:
/// (1) the multi-photon pulses sent, M ~ Binomial(N, P_multi), satisfy M &lt;= M^U = N P_multi + sqrt(N/2 ln(1/eps))
///     except with probability eps (Hoeffding, JASA 58, 13 (1963), Theorem 1), so Delta^U = M^U / D;
/// (2) the n key bits are a random subset of the detections (Bob's basis choice and the sample are independent of
///     the photon number), so their multi-photon share exceeds Delta^U + sqrt(ln(1/eps) / (2 n)) with probability
///     at most eps (Hoeffding 1963, Sec. 6, sampling without replacement): the single-photon (and vacuum) fraction
///     of the key is f_1^L = 1 - Delta^U - sqrt(ln(1/eps) / (2 n));
/// (3) the phase error rate of the key bits exceeds the k-bit sample's error rate e by more than
///     mu_s = sqrt((n + k)/(n k) (k + 1)/k ln(1/eps)) with probability at most eps (Tomamichel, Lim, Gisin, Renner,
///     Nat. Commun. 3, 634 (2012), Eq. (2), random sampling without replacement);
/// (4) worst case all those errors sit on the single-photon bits: e_1^U = min(1/2, (e + mu_s) / f_1^L).
/// Each of the three estimation failures gets eps = eps_sec / 21, the share Lim, Curty, Walenta, Xu, Zbinden,
/// PRA 89, 022307 (2014) give each of their estimation terms; the key length then follows the GLLP formula with
/// these bounds (<c>DecoyKeyLength</c>).
/// </remarks>
public static class GllpFiniteKey
{
    /// <summary>Share of eps_sec given to each estimation failure (Lim et al. 2014).</summary>
    public const double EpsilonShare = 1.0 / 21;

    /// <summary>
    /// f_1^L and e_1^U of one block: <paramref name="pulses"/> sent at <paramref name="mu"/> [photons/pulse],
    /// <paramref name="detections"/> clicks, <paramref name="keyBits"/> bits kept for the key, a sample of
    /// <paramref name="sampleBits"/> disclosed bits with <paramref name="sampleErrors"/> errors. A block that
    /// cannot be bounded (no detections, no key bits, no sample) gets (0, 1/2): no key.
    /// </summary>
    public static (double SinglePhotonFraction, double PhaseErrorUpper) Bound(double pulses, double mu, double detections,
        double keyBits, double sampleBits, double sampleErrors, double epsilonSecrecy)
    {
        Guard.NonNegative(pulses, "pulses");
        Guard.InRange(mu, 0, 100, "photons/pulse", "Mean photon number mu");
        Guard.InRange(epsilonSecrecy, 1e-300, 1 - 1e-12, "", "eps_sec");
        if (!(detections > 0 && keyBits > 0 && sampleBits > 0))
        {
            return (0, 0.5);
        }
        var log = Math.Log(1 / (epsilonSecrecy * EpsilonShare));
        var multiProbability = -Numerics.ExpM1(-mu) - mu * Math.Exp(-mu);
        var multiPulses = Math.Min(pulses, pulses * multiProbability + Math.Sqrt(pulses / 2 * log));
        var singleFraction = 1 - Math.Min(1, multiPulses / detections) - Math.Sqrt(log / (2 * keyBits));
        if (singleFraction <= 0)
        {
            return (0, 0.5);
        }
        var sampling = Math.Sqrt((keyBits + sampleBits) / (keyBits * sampleBits) * (sampleBits + 1) / sampleBits * log);
        var phase = Math.Min(0.5, (Math.Clamp(sampleErrors / sampleBits, 0, 1) + sampling) / singleFraction);
        return (Math.Min(1, singleFraction), phase);
    }
}
