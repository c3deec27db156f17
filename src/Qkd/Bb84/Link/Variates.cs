using Qkd.Bits;

namespace Qkd.Bb84.Link;

/// <summary>Exact samplers of the discrete laws the simulator needs beyond <see cref="SimRandom"/>'s own.</summary>
internal static class Variates
{
    /// <summary>
    /// Binomial(n, p), exactly, for any n: Knuth's beta-splitting recursion (TAOCP Vol. 2, 3rd ed., 3.4.1 F):
    /// with a = 1 + floor(n/2), b = n - a + 1 and X ~ Beta(a, b) the a-th order statistic of n uniforms,
    /// the count below p is Binomial(a - 1, p/X) if X >= p, else a + Binomial(b - 1, (p - X)/(1 - X)).
    /// Small cases finish by counting geometric skips (cost O(n min(p, 1-p))).
    /// </summary>
    public static long Binomial(ref SimRandom random, long n, double p)
    {
        if (n <= 0 || p <= 0)
        {
            return 0;
        }
        if (p >= 1)
        {
            return n;
        }
        long result = 0;
        while (n > 256 && n * Math.Min(p, 1 - p) > 16)
        {
            var a = 1 + n / 2;
            var b = n - a + 1;
            var ga = Gamma(ref random, a);
            var x = ga / (ga + Gamma(ref random, b));
            if (x >= p)
            {
                n = a - 1;
                p /= x;
            }
            else
            {
                result += a;
                n = b - 1;
                p = (p - x) / (1 - x);
            }
            if (p <= 0 || n <= 0)
            {
                return result;
            }
            if (p >= 1)
            {
                return result + n;
            }
        }
        return result + (p <= 0.5 ? CountBySkips(ref random, n, p) : n - CountBySkips(ref random, n, 1 - p));
    }

    /// <summary>Multinomial(n, weights/sum(weights)) by sequential conditional binomials, written into <paramref name="counts"/> (added).</summary>
    public static void AddMultinomial(ref SimRandom random, long n, ReadOnlySpan<double> weights, Span<long> counts)
    {
        double remainingWeight = 0;
        foreach (var w in weights)
        {
            remainingWeight += w;
        }
        for (var i = 0; i < weights.Length && n > 0; i++)
        {
            var take = i == weights.Length - 1 || remainingWeight <= 0 ? n : Binomial(ref random, n, Math.Min(1, weights[i] / remainingWeight));
            counts[i] += take;
            n -= take;
            remainingWeight -= weights[i];
        }
    }

    /// <summary>
    /// Gamma(shape, 1) for shape >= 1: Marsaglia and Tsang, ACM TOMS 26(3), 363 (2000): d = shape - 1/3,
    /// c = 1/sqrt(9d), accept d v with v = (1 + c Z)^3 when ln U &lt; Z^2/2 + d - d v + d ln v.
    /// </summary>
    private static double Gamma(ref SimRandom random, double shape)
    {
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            var z = Normal(ref random);
            var v = 1 + c * z;
            if (v <= 0)
            {
                continue;
            }
            v = v * v * v;
            var u = random.NextDoubleNonZero();
            if (u < 1 - 0.0331 * z * z * z * z || Math.Log(u) < 0.5 * z * z + d * (1 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    /// <summary>Standard normal by Marsaglia's polar method (one of the pair).</summary>
    private static double Normal(ref SimRandom random)
    {
        while (true)
        {
            var x = 2 * random.NextDouble() - 1;
            var y = 2 * random.NextDouble() - 1;
            var s = x * x + y * y;
            if (s is > 0 and < 1)
            {
                return x * Math.Sqrt(-2 * Math.Log(s) / s);
            }
        }
    }

    /// <summary>Successes among n Bernoulli(p) trials by jumping from success to success (geometric gaps).</summary>
    private static long CountBySkips(ref SimRandom random, long n, double p)
    {
        if (p <= 0)
        {
            return 0;
        }
        var invLog = 1 / KeyRate.Numerics.Log1P(-p);
        long count = 0, position = -1;
        while (true)
        {
            var g = Math.Log(random.NextDoubleNonZero()) * invLog;
            if (g >= n)
            {
                return count;
            }
            position += 1 + (long)g;
            if (position >= n)
            {
                return count;
            }
            count++;
        }
    }
}
