namespace Qkd.Quantum.Qrng;

/// <summary>
/// Log-gamma, the regularised incomplete gamma functions, erfc and the normal CDF, as the NIST
/// SP 800-22 and SP 800-90B statistics need them.
/// </summary>
internal static class SpecialFunctions
{
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>
    /// ln Gamma(x) for x &gt; 0 by the Lanczos approximation with g = 7, n = 9 (Lanczos, SIAM J. Numer.
    /// Anal. B 1, 86 (1964); coefficients as tabulated by Godfrey), relative error about 1e-15;
    /// reflection Gamma(x) Gamma(1 - x) = pi / sin(pi x) below 0.5.
    /// </summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }
        x -= 1;
        var a = Lanczos[0];
        var t = x + 7.5;
        for (var i = 1; i < Lanczos.Length; i++)
        {
            a += Lanczos[i] / (x + i);
        }
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>
    /// Regularised upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a) ("igamc" in SP 800-22,
    /// Sec. 5.5.3): series for P below x = a + 1, Lentz continued fraction for Q above (Press et al.,
    /// Numerical Recipes, 3rd ed., Sec. 6.2). a &gt; 0, x &gt;= 0.
    /// </summary>
    public static double UpperRegularizedGamma(double a, double x)
    {
        if (x <= 0)
        {
            return 1;
        }
        var logPrefix = a * Math.Log(x) - x - LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1 / a, term = sum, ap = a;
            for (var n = 0; n < 10_000; n++)
            {
                ap += 1;
                term *= x / ap;
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-16)
                {
                    break;
                }
            }
            return 1 - sum * Math.Exp(logPrefix);
        }
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 10_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny)
            {
                d = tiny;
            }
            c = b + an / c;
            if (Math.Abs(c) < tiny)
            {
                c = tiny;
            }
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }
        return Math.Exp(logPrefix) * h;
    }

    /// <summary>Complementary error function erfc(x) = Q(1/2, x^2) for x &gt;= 0, 2 - erfc(-x) below.</summary>
    public static double Erfc(double x)
        => x >= 0 ? UpperRegularizedGamma(0.5, x * x) : 2 - UpperRegularizedGamma(0.5, x * x);

    /// <summary>Error function erf(x) = 1 - erfc(x).</summary>
    public static double Erf(double x) => 1 - Erfc(x);

    /// <summary>Standard normal CDF Phi(z) = erfc(-z / sqrt 2) / 2.</summary>
    public static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));
}
