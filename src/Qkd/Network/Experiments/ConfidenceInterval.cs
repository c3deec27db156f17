namespace Qkd.Network;

/// <summary>A sample mean with the half-width of its two-sided 95 % confidence interval.</summary>
/// <param name="Mean">Sample mean.</param>
/// <param name="HalfWidth95">t_{0.975, n-1} s / sqrt(n); 0 for a single sample.</param>
/// <param name="Samples">n.</param>
public sealed record ConfidenceInterval(double Mean, double HalfWidth95, int Samples)
{
    /// <summary>Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom (standard tables, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).</summary>
    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>
    /// Student-t interval of the mean of independent samples: mean +- t_{0.975, n-1} s / sqrt(n),
    /// s the sample standard deviation (n - 1 in the denominator). Beyond 30 degrees of freedom the
    /// normal quantile 1.96 is used (error below 2 %). Valid for independent, roughly normal samples:
    /// here success rates of runs with independent seeds.
    /// </summary>
    public static ConfidenceInterval Of(ReadOnlySpan<double> samples)
    {
        if (samples.IsEmpty)
        {
            throw new ArgumentException("A confidence interval needs at least one sample.", nameof(samples));
        }
        var mean = 0.0;
        foreach (var x in samples)
        {
            mean += x;
        }
        mean /= samples.Length;
        if (samples.Length == 1)
        {
            return new ConfidenceInterval(mean, 0, 1);
        }
        var ss = 0.0;
        foreach (var x in samples)
        {
            ss += (x - mean) * (x - mean);
        }
        var sd = Math.Sqrt(ss / (samples.Length - 1));
        var dof = samples.Length - 1;
        var t = dof <= T975.Length ? T975[dof - 1] : 1.96;
        return new ConfidenceInterval(mean, t * sd / Math.Sqrt(samples.Length), samples.Length);
    }

    public double Lower => Mean - HalfWidth95;

    public double Upper => Mean + HalfWidth95;
}
