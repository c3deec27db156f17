using Qkd.KeyRate;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Variable-node degree distribution of a mother code of rate R, for the binary symmetric channel.
/// </summary>
/// <remarks>
/// Shape: the degree-{2, 3, 8} edge-perspective distribution of Richardson, Shokrollahi and Urbanke, "Design of
/// capacity-approaching irregular low-density parity-check codes", IEEE Trans. Inf. Theory 47, 619 (2001),
/// Table I (d_l = 8): lambda(x) = 0.30013 x + 0.28395 x^2 + 0.41592 x^7, with check degrees concentrated on two
/// consecutive values. For high rates the degree-2 share is capped by the BSC stability condition of the same
/// paper (Theorem 5 with the BSC Bhattacharyya constant): lambda_2 rho'(1) &lt; 1 / (2 sqrt(p (1 - p))), here
/// taken with a 15 % margin at the crossover p where the code would run at efficiency 1.1, h(p) = (1 - R) / 1.1.
/// The removed degree-2 weight goes to degrees 3 and 8 in the table's 0.28395 : 0.41592 ratio.
/// </remarks>
public sealed record LdpcDegreeProfile(double Lambda2, double Lambda3, double Lambda8, double MeanCheckDegree)
{
    /// <summary>Variable degrees this profile uses.</summary>
    public static ReadOnlySpan<int> Degrees => [2, 3, 8];

    /// <summary>Profile for mother-code rate <paramref name="rate"/> in [0.3, 0.97].</summary>
    public static LdpcDegreeProfile ForRate(double rate)
    {
        Guard.InRange(rate, 0.3, 0.97, "");
        var p = InverseEntropy((1 - rate) / 1.1);
        var bound = 1 / (2 * Math.Sqrt(p * (1 - p)));
        var lambda2 = 0.30013;
        double meanCheck = 0;
        for (var i = 0; i < 20; i++)
        {
            var rest = 1 - lambda2;
            var l3 = rest * 0.28395 / (0.28395 + 0.41592);
            var l8 = rest - l3;
            var meanVariable = 1 / (lambda2 / 2 + l3 / 3 + l8 / 8);
            meanCheck = meanVariable / (1 - rate);
            lambda2 = Math.Min(0.30013, 0.85 * bound / (meanCheck - 1));
        }
        var remaining = 1 - lambda2;
        var lambda3 = remaining * 0.28395 / (0.28395 + 0.41592);
        return new LdpcDegreeProfile(lambda2, lambda3, remaining - lambda3, meanCheck);
    }

    /// <summary>Fractions of variable nodes of degree 2, 3 and 8 (node perspective: lambda_i / i normalised).</summary>
    public (double Degree2, double Degree3, double Degree8) NodeFractions()
    {
        var sum = Lambda2 / 2 + Lambda3 / 3 + Lambda8 / 8;
        return (Lambda2 / 2 / sum, Lambda3 / 3 / sum, Lambda8 / 8 / sum);
    }

    /// <summary>The p in (0, 1/2] with h(p) = <paramref name="entropy"/>, by bisection (h increases on [0, 1/2]).</summary>
    internal static double InverseEntropy(double entropy)
    {
        double lo = 0, hi = 0.5;
        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            if (Entropy.Binary(mid) < entropy)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
