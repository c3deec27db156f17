namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// The statistical spread of a finite-key length: how much the key length l of one block scatters from block to block
/// because its counts do. Every count class (e.g. correct and erroneous Z detections of one intensity) is an independent
/// Poisson variable (a thinned Poisson process of detections: independent across classes, variance equal to the mean),
/// and the bound is propagated to first order (the delta method): sigma_l^2 = sum_i (dl/dc_i)^2 var(c_i), with dl/dc_i
/// the central difference (l(c_i + s_i) - l(c_i - s_i)) / (2 s_i), s_i = sqrt(var(c_i)).
/// </summary>
/// <remarks>
/// Source: the delta method, e.g. Casella and Berger, Statistical Inference, 2nd ed. (2002), Sec. 5.5.4; Poisson
/// thinning, e.g. Kingman, Poisson Processes (1993), Sec. 5.1. Valid while l is smooth over +-1 sigma of every count
/// (far from the clamps of the bound, e.g. phi_Z = 1/2 or s_{Z,1} = 0); near l = 0 it is an indication only.
/// </remarks>
public static class KeyLengthSpread
{
    /// <summary>sigma_l of <paramref name="length"/> at <paramref name="counts"/> with the given variances.</summary>
    /// <param name="counts">Expected counts c_i (not changed).</param>
    /// <param name="variances">var(c_i), same length, each &gt;= 0.</param>
    /// <param name="length">l(c): the key length of a block with counts c [bits].</param>
    public static double StandardDeviation(ReadOnlySpan<double> counts, ReadOnlySpan<double> variances, Func<double[], double> length)
    {
        Guard.NotNull(length);
        Guard.SameLength(variances.Length, counts.Length, "Count variances");
        var c = counts.ToArray();
        var sum = 0.0;
        for (var i = 0; i < c.Length; i++)
        {
            var s = Math.Sqrt(Guard.NonNegative(variances[i], "events^2", "Count variance"));
            if (s == 0)
            {
                continue;
            }
            var at = c[i];
            c[i] = at + s;
            var up = length(c);
            c[i] = Math.Max(0, at - s);
            var down = length(c);
            c[i] = at;
            var slope = (up - down) / (at + s - Math.Max(0, at - s));
            sum += slope * slope * s * s;
        }
        return Math.Sqrt(sum);
    }
}
