using Qkd.KeyRate;
using Qkd.KeyRate.FiniteKey;

namespace Qkd.PostProcessing;

/// <summary>
/// Finite-key secret key length of single-photon BB84 when no decoy counts are available (keys from a binary
/// symmetric channel): Tomamichel, Lim, Gisin, Renner, "Tight finite-key analysis for quantum cryptography",
/// Nat. Commun. 3, 634 (2012), Eq. (2).
/// </summary>
/// <remarks>
/// l &lt;= n (q - h(Q_tol + mu)) - leak_EC - log2(2 / (eps_sec^2 eps_cor)), with
/// mu = sqrt((n + k) / (n k) * (k + 1) / k * ln(2 / eps_sec)).
/// n: key bits after parameter estimation [bits]; k: bits disclosed for parameter estimation [bits];
/// Q_tol: tolerated (here: the estimated) error rate of the sample; q = 1 for BB84 with ideal complementary
/// bases (q = log2(1/c), c the maximal overlap 1/2); leak_EC: bits disclosed by reconciliation and
/// verification; eps_sec, eps_cor: secrecy and correctness parameters. Valid against coherent attacks for
/// a single-photon source; the phase error of the key is estimated from the bit errors of the random sample,
/// which is the binary-symmetric-channel assumption. Using the measured sample QBER for Q_tol (instead of a
/// threshold fixed in advance) is the usual adaptive simplification. For weak-coherent sources use
/// <see cref="OneDecoyFiniteKey"/> with the decoy counts instead.
/// </remarks>
public static class Bb84FiniteKey
{
    /// <summary>mu: the statistical deviation of the key's error rate from the sample's (Eq. 2).</summary>
    public static double SamplingDeviation(double keyBits, double sampleBits, double epsilonSecrecy)
    {
        Guard.Positive(keyBits, "bits");
        Guard.Positive(sampleBits, "bits");
        Guard.InRange(epsilonSecrecy, 1e-300, 1 - 1e-12, "", "eps_sec");
        return Math.Sqrt((keyBits + sampleBits) / (keyBits * sampleBits) * (sampleBits + 1) / sampleBits * Math.Log(2 / epsilonSecrecy));
    }

    /// <summary>The bound of Eq. (2), floored and never negative [bits].</summary>
    public static double SecretKeyLength(double keyBits, double sampleBits, double sampleQber, double leakedBitsEc, double epsilonSecrecy, double epsilonCorrectness)
    {
        Guard.Probability(sampleQber);
        Guard.NonNegative(leakedBitsEc, "bits");
        Guard.InRange(epsilonCorrectness, 1e-300, 1 - 1e-12, "", "eps_cor");
        var mu = SamplingDeviation(keyBits, sampleBits, epsilonSecrecy);
        var phase = Math.Min(0.5, sampleQber + mu);
        var length = keyBits * (1 - Entropy.Binary(phase)) - leakedBitsEc
            - Math.Log2(2 / (epsilonSecrecy * epsilonSecrecy * epsilonCorrectness));
        return Math.Max(0, Math.Floor(length));
    }
}
