namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// Finite-key secret key length of one-decoy BB84 from observed counts: the bound used by the
/// Turin testbed (seed 002, its only equation) from Rusca, Boaron, Grünenfelder, Martin, Zbinden,
/// "Finite-key analysis for the 1-decoy state QKD protocol", Appl. Phys. Lett. 112, 171104 (2018).
/// </summary>
/// <remarks>
/// Equation numbers refer to that letter (main text Eqs. 1-6; appendix A, Eqs. A1-A25, checked against a
/// transcription of the appendix). Statistical fluctuations are bounded with Hoeffding's inequality,
/// delta(n, eps) = sqrt(n/2 ln(1/eps)) (Eq. A2), each at eps = eps_sec/19: the appendix sets every error term of
/// eps_sec = 2(alpha1 + 2 alpha2 + alpha3) + nu + 6 eps1 + 4 eps2 (Eq. A24) to one value, hence 19 (also in
/// 6 log2(19/eps_sec), Eq. A25). The 21^2 inside gamma is that of Lim et al., PRA 89, 022307 (2014), Eq. (2),
/// which the letter reuses. The appendix as printed omits the e^{mu_k}/p_k factor of n^±_{Z,k} (Eq. A18);
/// we use the consistent form of Lim et al. (n^± = e^{mu_k}/p_k (n_{Z,k} ± delta)). Valid for 0 &lt; mu2 &lt; mu1 and mu1 &gt; mu2 + mu3 with mu3 = 0 (no vacuum intensity).
/// All counts are numbers of detection events (not rates).
/// </remarks>
public static class OneDecoyFiniteKey
{
    /// <summary>Number of equal error terms in eps_sec (Rusca et al. 2018, Eq. A24): each Hoeffding bound fails with eps_sec/19.</summary>
    public const double HoeffdingTerms = 19;

    /// <summary>
    /// The bound: l &lt;= s_{Z,0} + s_{Z,1} (1 - h(phi_Z)) - lambda_EC - 6 log2(19/eps_sec) - log2(2/eps_cor) (Eq. 1).
    /// </summary>
    /// <param name="counts">Observed block statistics.</param>
    /// <param name="leakedBitsEc">lambda_EC: bits disclosed by error correction (including verification hash).</param>
    /// <param name="epsilonSecrecy">eps_sec, secrecy parameter, within (0, 1).</param>
    /// <param name="epsilonCorrectness">eps_cor, correctness parameter, within (0, 1).</param>
    public static OneDecoyFiniteKeyResult SecretKeyLength(OneDecoyCounts counts, double leakedBitsEc, double epsilonSecrecy, double epsilonCorrectness)
    {
        Guard.NotNull(counts);
        var b = Compute(counts.Mu1, counts.Mu2, counts.ProbabilityMu1, counts.DetectionsZMu1, counts.DetectionsZMu2, counts.ErrorsZMu1,
            counts.ErrorsZMu2, counts.DetectionsXMu1, counts.DetectionsXMu2, counts.ErrorsXMu1, counts.ErrorsXMu2, leakedBitsEc, epsilonSecrecy,
            epsilonCorrectness);
        return new OneDecoyFiniteKeyResult(Math.Max(0, Math.Floor(b.Length)), b.Length, b.SZ0, b.SZ0Upper, b.SZ1, b.SX1, b.VX1, b.PhiZ);
    }

    /// <summary>Intermediate bounds of <see cref="Compute"/> (a value, so the key-rate model's hot path does not allocate).</summary>
    internal readonly record struct Bounds(double Length, double SZ0, double SZ0Upper, double SZ1, double SX1, double VX1, double PhiZ);

    /// <summary>The bound of <see cref="SecretKeyLength"/> on raw counts (same validation, no allocation).</summary>
    internal static Bounds Compute(double mu1In, double mu2In, double p1In, double nZMu1, double nZMu2, double mZMu1, double mZMu2,
        double nXMu1, double nXMu2, double mXMu1, double mXMu2, double leakedBitsEc, double epsilonSecrecy, double epsilonCorrectness)
    {
        var mu1 = Guard.InRange(mu1In, 1e-6, 10, "photons/pulse", "Signal intensity mu1");
        var mu2 = Guard.InRange(mu2In, 1e-9, mu1 - 1e-9, "photons/pulse", "Decoy intensity mu2");
        var p1 = Guard.InRange(p1In, 1e-9, 1 - 1e-9, "", "Signal probability p_mu1");
        var p2 = 1 - p1;
        Guard.InRange(epsilonSecrecy, 1e-300, 1 - 1e-12, "", "eps_sec");
        Guard.InRange(epsilonCorrectness, 1e-300, 1 - 1e-12, "", "eps_cor");
        Guard.NonNegative(leakedBitsEc, "bits", "lambda_EC");

        var lnTerm = Math.Log(HoeffdingTerms / epsilonSecrecy);
        var tau0 = Tau(0, mu1, mu2, p1);
        var tau1 = Tau(1, mu1, mu2, p1);

        // Hoeffding-corrected, intensity-normalised counts: n^±_{k} = (e^{mu_k}/p_k)(n_k ± sqrt(n/2 ln(19/eps_sec))).
        var dZ = Math.Sqrt((nZMu1 + nZMu2) / 2 * lnTerm);
        var dX = Math.Sqrt((nXMu1 + nXMu2) / 2 * lnTerm);
        var dmZ = Math.Sqrt((mZMu1 + mZMu2) / 2 * lnTerm);
        var dmX = Math.Sqrt((mXMu1 + mXMu2) / 2 * lnTerm);
        double Plus(double n, double d, double mu, double p) => Math.Exp(mu) / p * (n + d);
        double Minus(double n, double d, double mu, double p) => Math.Exp(mu) / p * (n - d);

        var nZ1Plus = Plus(nZMu1, dZ, mu1, p1);
        var nZ2Minus = Minus(nZMu2, dZ, mu2, p2);
        var nX1Plus = Plus(nXMu1, dX, mu1, p1);
        var nX2Minus = Minus(nXMu2, dX, mu2, p2);

        // Eq. (2): vacuum events in Z, lower bound.
        var sZ0 = Math.Max(0, tau0 / (mu1 - mu2) * (mu1 * nZ2Minus - mu2 * nZ1Plus));
        // Eq. (4): vacuum events, upper bound from the decoy errors (each vacuum event errs with probability 1/2).
        var sZ0Upper = 2 * (tau0 * Math.Exp(mu2) / p2 * (mZMu2 + dmZ) + dZ);
        var sX0Upper = 2 * (tau0 * Math.Exp(mu2) / p2 * (mXMu2 + dmX) + dX);

        // Eq. (3): single-photon events, lower bound.
        var sZ1 = SingleLower(tau0, tau1, mu1, mu2, nZ1Plus, nZ2Minus, sZ0Upper);
        var sX1 = SingleLower(tau0, tau1, mu1, mu2, nX1Plus, nX2Minus, sX0Upper);

        // Eq. (5): single-photon errors in X, upper bound.
        var mX1Plus = Plus(mXMu1, dmX, mu1, p1);
        var mX2Minus = Minus(mXMu2, dmX, mu2, p2);
        var vX1 = Math.Max(0, tau1 / (mu1 - mu2) * (mX1Plus - mX2Minus));

        // Eq. (6): phase error rate in Z, upper bound, from the X-basis single-photon error rate.
        double phiZ;
        if (sZ1 <= 0 || sX1 <= 0)
        {
            phiZ = 0.5;
        }
        else
        {
            var ratio = Math.Min(0.5, vX1 / sX1);
            phiZ = Math.Min(0.5, ratio + Gamma(epsilonSecrecy, ratio, sZ1, sX1));
        }

        // Lower bounds on event counts cannot exceed the events observed: s_{Z,0} + s_{Z,1} <= n_Z. Inconsistent
        // counts (e.g. a decoy gain above the signal's from a tiny sample) could otherwise claim more key than detections.
        sZ0 = Math.Min(sZ0, nZMu1 + nZMu2);
        sZ1 = Math.Min(sZ1, nZMu1 + nZMu2 - sZ0);
        var length = sZ0 + sZ1 * (1 - Entropy.Binary(phiZ)) - leakedBitsEc
            - 6 * Math.Log2(19 / epsilonSecrecy) - Math.Log2(2 / epsilonCorrectness);
        return new Bounds(length, sZ0, sZ0Upper, sZ1, sX1, vX1, phiZ);
    }

    /// <summary>
    /// tau_n = sum_k p_k e^{-mu_k} mu_k^n / n!: probability that Alice sent n photons (Rusca et al. 2018, text after Eq. 2).
    /// </summary>
    public static double Tau(int n, double mu1, double mu2, double p1)
    {
        double factorial = 1;
        for (var i = 2; i <= n; i++)
        {
            factorial *= i;
        }
        return (p1 * Math.Exp(-mu1) * Math.Pow(mu1, n) + (1 - p1) * Math.Exp(-mu2) * Math.Pow(mu2, n)) / factorial;
    }

    /// <summary>
    /// gamma(a, b, c, d) = sqrt((c+d)(1-b) b / (c d ln 2) * log2((c+d) / (c d (1-b) b) * 21^2 / a^2)):
    /// the random-sampling correction of the phase error rate (Rusca et al. 2018, Eq. 6; after Lim et al., PRA 89, 022307, 2014).
    /// </summary>
    public static double Gamma(double a, double b, double c, double d)
    {
        if (b <= 0 || b >= 1)
        {
            return 0;
        }
        var inner = (c + d) / (c * d * (1 - b) * b) * (21.0 * 21.0) / (a * a);
        if (inner <= 1)
        {
            return 0;
        }
        return Math.Sqrt((c + d) * (1 - b) * b / (c * d * Math.Log(2)) * Math.Log2(inner));
    }

    private static double SingleLower(double tau0, double tau1, double mu1, double mu2, double n1Plus, double n2Minus, double s0Upper)
    {
        // Eq. (3): s_1 >= tau1 mu1 / (mu2 (mu1 - mu2)) [n^-_{mu2} - (mu2/mu1)^2 n^+_{mu1} - (mu1^2 - mu2^2)/mu1^2 * s0^u / tau0].
        var value = tau1 * mu1 / (mu2 * (mu1 - mu2))
            * (n2Minus - mu2 * mu2 / (mu1 * mu1) * n1Plus - (mu1 * mu1 - mu2 * mu2) / (mu1 * mu1) * s0Upper / tau0);
        return Math.Max(0, value);
    }
}
