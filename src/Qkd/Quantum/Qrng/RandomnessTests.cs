using Qkd.Bits;

namespace Qkd.Quantum.Qrng;

/// <summary>
/// Four statistical tests of NIST SP 800-22 Rev. 1a (Rukhin et al., April 2010): frequency
/// (Sec. 2.1), frequency within a block (2.2), runs (2.3) and cumulative sums, forward (2.13).
/// Each returns a P-value; a sequence passes at P &gt;= 0.01.
/// </summary>
public static class RandomnessTests
{
    /// <summary>Significance level of SP 800-22 (Sec. 1.1.5).</summary>
    public const double Significance = 0.01;

    /// <summary>
    /// Frequency (monobit) test, Sec. 2.1.4: S_n = sum (2 eps_i - 1), s_obs = |S_n| / sqrt n,
    /// P = erfc(s_obs / sqrt 2). Recommended n &gt;= 100.
    /// </summary>
    public static StatisticalTestResult Frequency(BitString bits)
    {
        var n = NonEmpty(bits);
        var sum = 2.0 * bits.PopCount() - n;
        var sObs = Math.Abs(sum) / Math.Sqrt(n);
        return Result("frequency", sObs, SpecialFunctions.Erfc(sObs / Math.Sqrt(2)));
    }

    /// <summary>
    /// Frequency within a block, Sec. 2.2.4: N = floor(n/M) blocks of M bits, pi_i their fractions of
    /// ones, chi^2 = 4 M sum (pi_i - 1/2)^2, P = igamc(N/2, chi^2/2). Recommended M &gt;= 20, M &gt; 0.01 n, N &lt; 100.
    /// </summary>
    public static StatisticalTestResult BlockFrequency(BitString bits, int blockBits)
    {
        var n = NonEmpty(bits);
        Guard.InRange(blockBits, 1, n, "block length M");
        var blocks = n / blockBits;
        var chi = 0.0;
        for (var b = 0; b < blocks; b++)
        {
            var ones = 0;
            for (var j = 0; j < blockBits; j++)
            {
                ones += bits[b * blockBits + j] ? 1 : 0;
            }
            var pi = ones / (double)blockBits - 0.5;
            chi += pi * pi;
        }
        chi *= 4.0 * blockBits;
        return Result("block-frequency", chi, SpecialFunctions.UpperRegularizedGamma(blocks / 2.0, chi / 2));
    }

    /// <summary>
    /// Runs test, Sec. 2.3.4: with pi the fraction of ones, if |pi - 1/2| &gt;= 2/sqrt n the frequency
    /// prerequisite fails and P = 0; else V_n = 1 + #{k : eps_k != eps_k+1} and
    /// P = erfc(|V_n - 2 n pi (1 - pi)| / (2 sqrt(2n) pi (1 - pi))).
    /// </summary>
    public static StatisticalTestResult Runs(BitString bits)
    {
        var n = NonEmpty(bits);
        var pi = bits.PopCount() / (double)n;
        if (Math.Abs(pi - 0.5) >= 2 / Math.Sqrt(n))
        {
            return Result("runs", double.NaN, 0);
        }
        var v = 1;
        for (var k = 0; k < n - 1; k++)
        {
            if (bits[k] != bits[k + 1])
            {
                v++;
            }
        }
        var expected = 2 * n * pi * (1 - pi);
        var p = SpecialFunctions.Erfc(Math.Abs(v - expected) / (2 * Math.Sqrt(2.0 * n) * pi * (1 - pi)));
        return Result("runs", v, p);
    }

    /// <summary>
    /// Cumulative sums test, forward mode, Sec. 2.13.4: z = max_k |S_k| of the partial sums of 2 eps - 1;
    /// P = 1 - sum_{k=(-n/z+1)/4}^{(n/z-1)/4} [Phi((4k+1)z/sqrt n) - Phi((4k-1)z/sqrt n)]
    ///       + sum_{k=(-n/z-3)/4}^{(n/z-1)/4} [Phi((4k+3)z/sqrt n) - Phi((4k+1)z/sqrt n)],
    /// with the summation limits truncated to integers as in the reference implementation.
    /// </summary>
    public static StatisticalTestResult CumulativeSums(BitString bits)
    {
        var n = NonEmpty(bits);
        var s = 0;
        var z = 0;
        for (var k = 0; k < n; k++)
        {
            s += bits[k] ? 1 : -1;
            z = Math.Max(z, Math.Abs(s));
        }
        if (z == 0)
        {
            return Result("cumulative-sums", 0, 1);
        }
        var sqrtN = Math.Sqrt(n);
        double sum1 = 0, sum2 = 0;
        for (var k = (-n / z + 1) / 4; k <= (n / z - 1) / 4; k++)
        {
            sum1 += SpecialFunctions.NormalCdf((4 * k + 1) * z / sqrtN) - SpecialFunctions.NormalCdf((4 * k - 1) * z / sqrtN);
        }
        for (var k = (-n / z - 3) / 4; k <= (n / z - 1) / 4; k++)
        {
            sum2 += SpecialFunctions.NormalCdf((4 * k + 3) * z / sqrtN) - SpecialFunctions.NormalCdf((4 * k + 1) * z / sqrtN);
        }
        return Result("cumulative-sums", z, Math.Clamp(1 - sum1 + sum2, 0, 1));
    }

    /// <summary>Runs all four tests; the block length is max(20, ceil(n / 99)) so that N &lt; 100 blocks.</summary>
    public static IReadOnlyList<StatisticalTestResult> RunAll(BitString bits)
    {
        var n = NonEmpty(bits);
        var block = Math.Min(n, Math.Max(20, (n + 98) / 99));
        return [Frequency(bits), BlockFrequency(bits, block), Runs(bits), CumulativeSums(bits)];
    }

    private static StatisticalTestResult Result(string name, double statistic, double p) => new(name, statistic, p, p >= Significance);

    private static int NonEmpty(BitString bits)
    {
        Guard.NotNull(bits);
        return (int)Guard.InRange(bits.Length, 1, int.MaxValue, "sequence length");
    }
}
