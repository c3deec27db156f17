namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// Finite-key secret length of a four-state vacuum + weak decoy BB84 block whose key is the signal intensity's
/// basis-matched detections in both bases (the simulator's sifting for that protocol), built from the decoy bounds of
/// Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014), Eqs. (2)-(5) (<see cref="VacuumWeakFiniteKey"/>) applied
/// once per basis.
/// </summary>
/// <remarks>
/// For B = Z (X): Lim's Eqs. (2)-(3) on the B-basis detections of all three intensities give lower bounds s_{B,0},
/// s_{B,1} on the vacuum and single-photon events among all n_B of them, and Eqs. (4)-(5) with the other basis B' as the
/// test basis give phi_B, the phase error rate of those single photons (Eq. 5 with the roles of Z and X exchanged for
/// B = X; the decoy and vacuum errors of B' are disclosed in full). The key holds only the kept signal detections k_B of
/// B; the other n_B - k_B events (decoy, vacuum, disclosed sample) each hold at most one vacuum or single-photon event,
/// so s^key_{B,j} &gt;= s_{B,j} - (n_B - k_B), and their phase errors are at most all of them: phi^key_B =
/// min(1/2, phi_B s_{B,1} / s^key_{B,1}). Then
/// l = sum_B [s^key_{B,0} + s^key_{B,1} (1 - h(phi^key_B))] - lambda_EC - 6 log2(42/eps_sec) - log2(2/eps_cor):
/// the two estimations each run at eps_sec/2 (21 terms each, Lim Eq. 1), and the privacy-amplification term of Lim's
/// Eq. (1) is taken at 2 x 21 terms. This is Lim's bound with every step kept conservative for a key set that is a
/// subset of the detections (a lower bound on Lim's own l for the same events); no key from a block whose decoy
/// statistics cannot bound the single photons at the block's size (e.g. GYS at 25 km in 10 s: ~520 weak-decoy
/// detections against a Hoeffding deviation of ~550).
/// </remarks>
public static class VacuumWeakSignalKey
{
    /// <summary>Error terms: two of Lim's 21-term estimations.</summary>
    public const double ErrorTerms = 2 * VacuumWeakFiniteKey.ErrorTerms;

    /// <summary>The length before flooring [bits] (may be negative: no key).</summary>
    public static double Length(VacuumWeakCounts counts, double leakedBitsEc, double epsilonSecrecy, double epsilonCorrectness)
    {
        Guard.NotNull(counts);
        Guard.SameLength(counts.Detections.Length, 6, "Detections per intensity and basis");
        Guard.SameLength(counts.Errors.Length, 6, "Errors per intensity and basis");
        Guard.NonNegative(leakedBitsEc, "bits", "lambda_EC");
        Guard.InRange(epsilonCorrectness, 1e-300, 1 - 1e-12, "", "eps_cor");
        var mu = counts.Mu.AsSpan();
        var p = counts.Probability.AsSpan();
        Span<double> nZ = stackalloc double[3], nX = stackalloc double[3], mZ = stackalloc double[3], mX = stackalloc double[3];
        for (var k = 0; k < 3; k++)
        {
            nZ[k] = counts.Detections[2 * k];
            nX[k] = counts.Detections[2 * k + 1];
            mZ[k] = counts.Errors[2 * k];
            mX[k] = counts.Errors[2 * k + 1];
        }
        var half = epsilonSecrecy / 2;
        var z = VacuumWeakFiniteKey.Compute(mu, p, nZ, nX, mX, 0, half, epsilonCorrectness);
        var x = VacuumWeakFiniteKey.Compute(mu, p, nX, nZ, mZ, 0, half, epsilonCorrectness);
        var entropy = KeyPart(z, nZ[0] + nZ[1] + nZ[2], counts.KeyBitsZ) + KeyPart(x, nX[0] + nX[1] + nX[2], counts.KeyBitsX);
        return entropy - leakedBitsEc - 6 * Math.Log2(ErrorTerms / epsilonSecrecy) - Math.Log2(2 / epsilonCorrectness);
    }

    /// <summary>floor(l), never negative [bits].</summary>
    public static double SecretKeyLength(VacuumWeakCounts counts, double leakedBitsEc, double epsilonSecrecy, double epsilonCorrectness)
        => Math.Max(0, Math.Floor(Length(counts, leakedBitsEc, epsilonSecrecy, epsilonCorrectness)));

    /// <summary>s^key_0 + s^key_1 (1 - h(phi^key)) of one basis' key bits.</summary>
    private static double KeyPart(VacuumWeakFiniteKey.Bounds b, double detections, double keyBits)
    {
        var others = Math.Max(0, detections - keyBits);
        var s0 = Math.Max(0, b.SZ0 - others);
        var s1 = Math.Max(0, Math.Min(keyBits - s0, b.SZ1 - others));
        if (s1 <= 0)
        {
            return s0;
        }
        var phi = Math.Min(0.5, b.PhiZ * b.SZ1 / s1);
        return s0 + s1 * (1 - Entropy.Binary(phi));
    }
}
