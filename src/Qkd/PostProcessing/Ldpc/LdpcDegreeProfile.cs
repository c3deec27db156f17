using System.Collections.Immutable;
using Qkd.KeyRate;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Variable-node degree distribution of a mother code (edge perspective: <see cref="Lambda"/>[i] is the fraction
/// of edges on variables of degree <see cref="Degrees"/>[i]), designed for the binary symmetric channel.
/// </summary>
/// <remarks>
/// <see cref="ForRate"/> reads the committed table <see cref="LdpcProfileTable"/>, made by
/// <see cref="LdpcProfileDesign"/> (Gaussian-approximation density evolution and a linear program, Chung,
/// Richardson, Urbanke, IEEE Trans. Inf. Theory 47, 657 (2001)); `LdpcProfileDesignTests` re-derives rows of it.
/// </remarks>
public sealed record LdpcDegreeProfile(ImmutableArray<int> Degrees, ImmutableArray<double> Lambda)
{
    /// <summary>Mean variable degree (node perspective): 1 / sum_i lambda_i / i.</summary>
    public double MeanVariableDegree
    {
        get
        {
            double s = 0;
            for (var i = 0; i < Degrees.Length; i++)
            {
                s += Lambda[i] / Degrees[i];
            }
            return 1 / s;
        }
    }

    /// <summary>Profile for mother-code rate <paramref name="rate"/> in [0.3, 0.97]: the table row of the nearest rate.</summary>
    public static LdpcDegreeProfile ForRate(double rate)
    {
        Guard.InRange(rate, 0.3, 0.97, "");
        return LdpcProfileTable.Nearest(rate);
    }

    /// <summary>Fractions of variable nodes per degree (node perspective: lambda_i / i normalised).</summary>
    public double[] NodeFractions()
    {
        var fractions = new double[Degrees.Length];
        var mean = MeanVariableDegree;
        for (var i = 0; i < Degrees.Length; i++)
        {
            fractions[i] = Lambda[i] / Degrees[i] * mean;
        }
        return fractions;
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
