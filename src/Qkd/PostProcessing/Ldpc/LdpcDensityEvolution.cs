namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Density evolution of belief propagation on the binary symmetric channel in the Gaussian approximation of
/// Chung, Richardson and Urbanke, "Analysis of sum-product decoding of low-density parity-check codes using a
/// Gaussian approximation", IEEE Trans. Inf. Theory 47, 657 (2001), with the channel term kept exact: a
/// check-to-variable message is taken as N(r, 2r) (symmetric Gaussian, mean r in nats), a variable-to-check message
/// of a degree-i variable is the BSC log-likelihood ratio +-L (L = ln((1 - p)/p), sign - with probability p) plus
/// N((i - 1) r, 2 (i - 1) r). Messages are tracked through E[tanh(v/2)], which a check node multiplies exactly for
/// independent symmetric inputs (Richardson and Urbanke, "Modern Coding Theory", CUP 2008, Sec. 4.1.4); the
/// approximation is only the Gaussian shape of check outputs (as Chung et al., Eq. (6)-(8), there for the AWGN
/// channel; the exact BSC mixture at the variable node is the change). Quantities are kept as complements
/// 1 - E[tanh(v/2)] = E[2 / (1 + e^v)] so that values near convergence keep their precision.
/// </summary>
public static class LdpcDensityEvolution
{
    // Standard normal expectation by the trapezoid rule on z in [-9, 9] (exponentially accurate for these smooth
    // integrands; the mass beyond 9 sigma, 2e-19, is below every quantity used).
    private const int Nodes = 241;
    private const double HalfWidth = 9;
    private static readonly double[] Z = new double[Nodes];
    private static readonly double[] W = new double[Nodes];

    // 1 - J(m) on a log grid of m, for the inverse.
    private const int GridPoints = 1600;
    private const double LogMinMean = -13.8;
    private const double LogMaxMean = 7.6;
    private static readonly double[] LogJc = new double[GridPoints];

    static LdpcDensityEvolution()
    {
        var h = 2 * HalfWidth / (Nodes - 1);
        for (var k = 0; k < Nodes; k++)
        {
            Z[k] = -HalfWidth + k * h;
            W[k] = h * Math.Exp(-Z[k] * Z[k] / 2) / Math.Sqrt(2 * Math.PI) * (k == 0 || k == Nodes - 1 ? 0.5 : 1);
        }
        for (var g = 0; g < GridPoints; g++)
        {
            LogJc[g] = Math.Log(GaussianComplement(Math.Exp(GridMean(g))));
        }
    }

    private static double GridMean(int g) => LogMinMean + (LogMaxMean - LogMinMean) * g / (GridPoints - 1);

    /// <summary>2 / (1 + e^v) = 1 - tanh(v/2), without overflow.</summary>
    private static double OneMinusTanhHalf(double v)
        => v > 0 ? 2 * Math.Exp(-v) / (1 + Math.Exp(-v)) : 2 / (1 + Math.Exp(v));

    /// <summary>1 - E[tanh(v/2)] for v ~ N(shift + m, 2m) (m &gt;= 0).</summary>
    private static double ShiftedComplement(double shift, double mean)
    {
        if (mean <= 0)
        {
            return OneMinusTanhHalf(shift);
        }
        var sigma = Math.Sqrt(2 * mean);
        double sum = 0;
        for (var k = 0; k < Nodes; k++)
        {
            sum += W[k] * OneMinusTanhHalf(shift + mean + sigma * Z[k]);
        }
        return sum;
    }

    /// <summary>1 - J(m) = 1 - E[tanh(v/2)], v ~ N(m, 2m): the complement of Chung et al.'s 1 - phi(m).</summary>
    public static double GaussianComplement(double mean) => ShiftedComplement(0, mean);

    /// <summary>The m &gt;= 0 with 1 - J(m) = <paramref name="complement"/> (log-log interpolation in a table).</summary>
    public static double InverseGaussianComplement(double complement)
    {
        if (complement >= 1)
        {
            return 0;
        }
        var target = Math.Log(complement);
        if (target >= LogJc[0])
        {
            // 1 - J(m) ~ 1 - m/2 for small m.
            return Math.Max(0, 2 * (1 - complement));
        }
        if (target <= LogJc[GridPoints - 1])
        {
            return Math.Exp(LogMaxMean);
        }
        int lo = 0, hi = GridPoints - 1;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (LogJc[mid] > target)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        var t = (target - LogJc[lo]) / (LogJc[hi] - LogJc[lo]);
        return Math.Exp(GridMean(lo) + t * (GridMean(hi) - GridMean(lo)));
    }

    /// <summary>
    /// 1 - E[tanh(v/2)] of the message a degree-<paramref name="degree"/> variable sends on the BSC with crossover
    /// <paramref name="crossover"/> when its other checks send N(r, 2r), r = <paramref name="checkMean"/>.
    /// </summary>
    public static double VariableComplement(int degree, double crossover, double checkMean)
    {
        var l = Math.Log((1 - crossover) / crossover);
        var m = (degree - 1) * checkMean;
        return (1 - crossover) * ShiftedComplement(l, m) + crossover * ShiftedComplement(-l, m);
    }

    /// <summary>
    /// Mean of the check-to-variable message when variable messages have 1 - E[tanh(v/2)] =
    /// <paramref name="variableComplement"/>: sum_j rho_j J^-1(E[tanh]^(j - 1)) (Chung et al., Eq. (8)).
    /// </summary>
    public static double CheckMean(ReadOnlySpan<int> checkDegrees, ReadOnlySpan<double> rho, double variableComplement)
    {
        var logX = double.LogP1(-Math.Min(variableComplement, 1 - 1e-16));
        double r = 0;
        for (var j = 0; j < checkDegrees.Length; j++)
        {
            r += rho[j] * InverseGaussianComplement(-double.ExpM1((checkDegrees[j] - 1) * logX));
        }
        return r;
    }

    /// <summary>Whether the recursion converges (1 - E[tanh] below 1e-9) on BSC(<paramref name="crossover"/>).</summary>
    public static bool Converges(LdpcDegreeProfile profile, ReadOnlySpan<int> checkDegrees, ReadOnlySpan<double> rho, double crossover)
    {
        Guard.NotNull(profile);
        double r = 0;
        for (var iteration = 0; iteration < 20_000; iteration++)
        {
            double y = 0;
            for (var i = 0; i < profile.Degrees.Length; i++)
            {
                y += profile.Lambda[i] * VariableComplement(profile.Degrees[i], crossover, r);
            }
            if (y < 1e-9)
            {
                return true;
            }
            var next = CheckMean(checkDegrees, rho, y);
            if (next <= r * (1 + 1e-7))
            {
                return false;
            }
            r = next;
        }
        return false;
    }

    /// <summary>Largest crossover (to 1e-5) at which <see cref="Converges"/> holds: the Gaussian-approximation threshold.</summary>
    public static double Threshold(LdpcDegreeProfile profile, ReadOnlySpan<int> checkDegrees, ReadOnlySpan<double> rho)
    {
        double lo = 1e-4, hi = 0.5;
        while (hi - lo > 1e-5)
        {
            var mid = (lo + hi) / 2;
            if (Converges(profile, checkDegrees, rho, mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
