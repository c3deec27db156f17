using Qkd.KeyRate;
using Qkd.KeyRate.FiniteKey;

namespace Qkd.PostProcessing;

/// <summary>
/// Secret key length of a weak-coherent BB84 block whose single-photon content was bounded by decoy states
/// (vacuum + weak decoy, four-state BB84): the GLLP formula applied to the block's key bits.
/// </summary>
/// <remarks>
/// l = n (Q1/Q) (1 - h(e1^U)) - leak_EC - log2(2 / (eps_sec^2 eps_cor)).
/// n: key bits [bits]; Q1/Q: lower bound on the fraction of key bits from single-photon pulses (Q1^L / Q_mu);
/// e1^U: upper bound on their phase (= bit, for BB84) error rate; leak_EC: bits disclosed by reconciliation
/// and verification. Source: the GLLP key rate R = q{-Q f h(E) + Q1 (1 - h(e1))} of Gottesman, Lo,
/// Lütkenhaus, Preskill, QIC 4, 325 (2004), in the decoy form of Lo, Ma, Chen, PRL 94, 230504 (2005), Eq. (1),
/// with Q1 and e1 from Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eqs. (34) and (37); the last term is the
/// composable security overhead of Tomamichel et al., Nat. Commun. 3, 634 (2012), Eq. (2).
/// Validity: the decoy bounds come from observed gains without finite-size corrections of their own, so the
/// length is asymptotic in the decoy estimation; the three-state protocol with <see cref="OneDecoyFiniteKey"/>
/// is the fully finite-key path.
/// </remarks>
public static class DecoyKeyLength
{
    /// <summary>The length [bits], floored and never negative.</summary>
    public static double SecretKeyLength(double keyBits, SinglePhotonEstimate estimate, double leakedBitsEc, double epsilonSecrecy, double epsilonCorrectness)
    {
        Guard.NotNull(estimate);
        Guard.NonNegative(keyBits, "bits");
        Guard.NonNegative(leakedBitsEc, "bits");
        Guard.InRange(epsilonSecrecy, 1e-300, 1 - 1e-12, "", "eps_sec");
        Guard.InRange(epsilonCorrectness, 1e-300, 1 - 1e-12, "", "eps_cor");
        var single = keyBits * estimate.SinglePhotonFraction * (1 - Entropy.Binary(estimate.PhaseErrorUpper));
        var length = single - leakedBitsEc - Math.Log2(2 / (epsilonSecrecy * epsilonSecrecy * epsilonCorrectness));
        return Math.Max(0, Math.Floor(length));
    }
}
