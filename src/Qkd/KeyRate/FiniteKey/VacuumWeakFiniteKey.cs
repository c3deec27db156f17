namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// Finite-key secret key length of decoy-state BB84 with three intensities mu1 (signal) &gt; mu2 (weak decoy) &gt;
/// mu3 (vacuum, or nearly so) from observed counts: Lim, Curty, Walenta, Xu, Zbinden, "Concise security bounds
/// for practical decoy-state quantum key distribution", Phys. Rev. A 89, 022307 (2014).
/// </summary>
/// <remarks>
/// l = floor(s_{Z,0} + s_{Z,1} - s_{Z,1} h(phi_Z) - lambda_EC - 6 log2(21/eps_sec) - log2(2/eps_cor))   (Eq. 1),
/// with, for each basis B in {Z, X} and n_B = sum_k n_{B,k} (Hoeffding, eps = eps_sec/21 each):
/// n^±_{B,k} = e^{mu_k}/p_k (n_{B,k} ± sqrt(n_B/2 ln(21/eps_sec))), likewise m^±_{X,k} with m_X;
/// s_{B,0} &gt;= tau0 (mu2 n^-_{B,mu3} - mu3 n^+_{B,mu2}) / (mu2 - mu3)   (Eq. 2);
/// s_{B,1} &gt;= tau1 mu1 [n^-_{B,mu2} - n^+_{B,mu3} - (mu2^2 - mu3^2)/mu1^2 (n^+_{B,mu1} - s_{B,0}/tau0)]
///            / (mu1 (mu2 - mu3) - mu2^2 + mu3^2)   (Eq. 3);
/// v_{X,1} &lt;= tau1 (m^+_{X,mu2} - m^-_{X,mu3}) / (mu2 - mu3)   (Eq. 4);
/// phi_Z &lt;= v_{X,1}/s_{X,1} + gamma(eps_sec, v_{X,1}/s_{X,1}, s_{Z,1}, s_{X,1})   (Eq. 5, gamma as in
/// <see cref="OneDecoyFiniteKey.Gamma"/>); tau_n = sum_k p_k e^{-mu_k} mu_k^n / n!.
/// Counts are detection events of one block (sifted, per intensity and basis). Valid for mu1 &gt; mu2 + mu3,
/// mu2 &gt; mu3 &gt;= 0, against coherent attacks (the paper's security statement), eps_sec-secret and
/// eps_cor-correct. Beside it, <see cref="OneDecoyFiniteKey"/> is Rusca et al.'s one-decoy adaptation.
/// </remarks>
public static class VacuumWeakFiniteKey
{
    /// <summary>Number of error terms in eps_sec (Lim et al. 2014, Eq. 1): 21.</summary>
    public const double ErrorTerms = 21;

    /// <summary>The bound's intermediate values.</summary>
    /// <param name="Length">l before flooring [bits] (may be negative).</param>
    /// <param name="SZ0">s_{Z,0} lower bound.</param>
    /// <param name="SZ1">s_{Z,1} lower bound.</param>
    /// <param name="SX1">s_{X,1} lower bound.</param>
    /// <param name="VX1">v_{X,1} upper bound.</param>
    /// <param name="PhiZ">phi_Z upper bound.</param>
    public readonly record struct Bounds(double Length, double SZ0, double SZ1, double SX1, double VX1, double PhiZ)
    {
        /// <summary>floor(l), never negative [bits].</summary>
        public double SecretBits => Math.Max(0, Math.Floor(Length));
    }

    /// <summary>Evaluates the bound. Arrays hold one entry per intensity in the order mu1, mu2, mu3.</summary>
    /// <param name="mu">Intensities mu1 &gt; mu2 &gt; mu3 &gt;= 0 [photons/pulse].</param>
    /// <param name="probability">p_k, the probabilities Alice sends each intensity (sum 1).</param>
    /// <param name="detectionsZ">n_{Z,k}.</param>
    /// <param name="detectionsX">n_{X,k}.</param>
    /// <param name="errorsX">m_{X,k}.</param>
    /// <param name="leakedBitsEc">lambda_EC [bits], the verification hash included.</param>
    /// <param name="epsilonSecrecy">eps_sec.</param>
    /// <param name="epsilonCorrectness">eps_cor.</param>
    public static Bounds Compute(ReadOnlySpan<double> mu, ReadOnlySpan<double> probability, ReadOnlySpan<double> detectionsZ,
        ReadOnlySpan<double> detectionsX, ReadOnlySpan<double> errorsX, double leakedBitsEc, double epsilonSecrecy, double epsilonCorrectness)
    {
        Guard.SameLength(mu.Length, 3, "Intensities");
        Guard.SameLength(probability.Length, 3, "Intensity probabilities");
        Guard.SameLength(detectionsZ.Length, 3, "Z detections");
        Guard.SameLength(detectionsX.Length, 3, "X detections");
        Guard.SameLength(errorsX.Length, 3, "X errors");
        var mu1 = Guard.InRange(mu[0], 1e-6, 10, "photons/pulse", "Signal intensity mu1");
        var mu2 = Guard.InRange(mu[1], 1e-9, mu1, "photons/pulse", "Weak decoy intensity mu2");
        var mu3 = Guard.InRange(mu[2], 0, mu2 - 1e-12, "photons/pulse", "Vacuum intensity mu3");
        Guard.InRange(mu1, mu2 + mu3 + 1e-12, 10, "photons/pulse", "Signal intensity mu1 (must exceed mu2 + mu3)");
        for (var k = 0; k < 3; k++)
        {
            Guard.InRange(probability[k], 1e-9, 1, "", "Intensity probability p_k");
            Guard.NonNegative(detectionsZ[k], "events", "n_Z,k");
            Guard.NonNegative(detectionsX[k], "events", "n_X,k");
            Guard.NonNegative(errorsX[k], "events", "m_X,k");
        }
        Guard.NonNegative(leakedBitsEc, "bits", "lambda_EC");
        Guard.InRange(epsilonSecrecy, 1e-300, 1 - 1e-12, "", "eps_sec");
        Guard.InRange(epsilonCorrectness, 1e-300, 1 - 1e-12, "", "eps_cor");

        var ln = Math.Log(ErrorTerms / epsilonSecrecy);
        var tau0 = Tau(0, mu, probability);
        var tau1 = Tau(1, mu, probability);
        var nZ = detectionsZ[0] + detectionsZ[1] + detectionsZ[2];
        var nX = detectionsX[0] + detectionsX[1] + detectionsX[2];
        var mX = errorsX[0] + errorsX[1] + errorsX[2];
        var dZ = Math.Sqrt(nZ / 2 * ln);
        var dX = Math.Sqrt(nX / 2 * ln);
        var dmX = Math.Sqrt(mX / 2 * ln);
        double Plus(ReadOnlySpan<double> n, double d, int k, ReadOnlySpan<double> m, ReadOnlySpan<double> p) => Math.Exp(m[k]) / p[k] * (n[k] + d);
        double Minus(ReadOnlySpan<double> n, double d, int k, ReadOnlySpan<double> m, ReadOnlySpan<double> p) => Math.Exp(m[k]) / p[k] * (n[k] - d);

        var (sZ0, sZ1) = VacuumAndSingle(tau0, tau1, mu1, mu2, mu3,
            Plus(detectionsZ, dZ, 0, mu, probability), Minus(detectionsZ, dZ, 1, mu, probability), Plus(detectionsZ, dZ, 1, mu, probability),
            Minus(detectionsZ, dZ, 2, mu, probability), Plus(detectionsZ, dZ, 2, mu, probability));
        var (_, sX1) = VacuumAndSingle(tau0, tau1, mu1, mu2, mu3,
            Plus(detectionsX, dX, 0, mu, probability), Minus(detectionsX, dX, 1, mu, probability), Plus(detectionsX, dX, 1, mu, probability),
            Minus(detectionsX, dX, 2, mu, probability), Plus(detectionsX, dX, 2, mu, probability));
        // Eq. (4).
        var vX1 = Math.Max(0, tau1 * (Plus(errorsX, dmX, 1, mu, probability) - Minus(errorsX, dmX, 2, mu, probability)) / (mu2 - mu3));
        // Eq. (5).
        double phiZ;
        if (sZ1 <= 0 || sX1 <= 0)
        {
            phiZ = 0.5;
        }
        else
        {
            var ratio = Math.Min(0.5, vX1 / sX1);
            phiZ = Math.Min(0.5, ratio + OneDecoyFiniteKey.Gamma(epsilonSecrecy, ratio, sZ1, sX1));
        }
        // Lower bounds cannot claim more events than observed.
        sZ0 = Math.Min(sZ0, nZ);
        sZ1 = Math.Min(sZ1, nZ - sZ0);
        var length = sZ0 + sZ1 * (1 - Entropy.Binary(phiZ)) - leakedBitsEc
            - 6 * Math.Log2(ErrorTerms / epsilonSecrecy) - Math.Log2(2 / epsilonCorrectness);
        return new Bounds(length, sZ0, sZ1, sX1, vX1, phiZ);
    }

    /// <summary>tau_n = sum_k p_k e^{-mu_k} mu_k^n / n!: probability that Alice sends n photons.</summary>
    public static double Tau(int n, ReadOnlySpan<double> mu, ReadOnlySpan<double> probability)
    {
        double factorial = 1;
        for (var i = 2; i <= n; i++)
        {
            factorial *= i;
        }
        double sum = 0;
        for (var k = 0; k < mu.Length; k++)
        {
            sum += probability[k] * Math.Exp(-mu[k]) * Math.Pow(mu[k], n);
        }
        return sum / factorial;
    }

    private static (double S0, double S1) VacuumAndSingle(double tau0, double tau1, double mu1, double mu2, double mu3,
        double n1Plus, double n2Minus, double n2Plus, double n3Minus, double n3Plus)
    {
        // Eq. (2).
        var s0 = Math.Max(0, tau0 * (mu2 * n3Minus - mu3 * n2Plus) / (mu2 - mu3));
        // Eq. (3).
        var s1 = tau1 * mu1 * (n2Minus - n3Plus - (mu2 * mu2 - mu3 * mu3) / (mu1 * mu1) * (n1Plus - s0 / tau0))
            / (mu1 * (mu2 - mu3) - mu2 * mu2 + mu3 * mu3);
        return (s0, Math.Max(0, s1));
    }
}
