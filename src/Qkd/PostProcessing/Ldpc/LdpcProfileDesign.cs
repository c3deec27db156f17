using Qkd.KeyRate;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Designs a variable-degree distribution lambda(x) for a mother code of rate R on the binary symmetric channel:
/// the distribution whose Gaussian-approximation threshold (<see cref="LdpcDensityEvolution"/>) is highest, found
/// by the linear program of Chung, Richardson and Urbanke, IEEE Trans. Inf. Theory 47, 657 (2001), Sec. V
/// (for a fixed check distribution rho the convergence condition is linear in lambda; maximise the rate
/// sum_i lambda_i / i, then bisect on the crossover p until the best rate over the rho candidates equals R).
/// </summary>
/// <remarks>
/// Constraints beside sum lambda_i = 1, lambda_i &gt;= 0:
/// - convergence on a grid of check means r in [1e-3, 100]: sum_i lambda_i (1 - E tanh)_i(r) &lt;= (1 - margin)
///   (1 - E tanh) needed by the check side to return more than r (a 2 % margin);
/// - stability on the BSC: lambda_2 rho'(1) &lt;= 1 / (2 sqrt(p (1 - p))) (Richardson, Shokrollahi, Urbanke,
///   IEEE Trans. Inf. Theory 47, 619 (2001), Theorem 5, with the BSC's Bhattacharyya constant);
/// - finite length: fewer degree-2 variables than checks (lambda_2 / 2 &lt;= 0.98 sum_j rho_j / j), so the
///   degree-2 columns fit the staircase of <see cref="LdpcCode"/> and form no cycle among themselves.
/// Check degrees are concentrated on two consecutive values d, d + 1 (edge fraction of d in 0, 1/4, 1/2, 3/4), as
/// the construction makes them; variable degrees are {2, ..., 8, 10, 12, 15, 20} up to the base rows of the code.
/// </remarks>
public static class LdpcProfileDesign
{
    private const double Margin = 0.02;

    private static readonly int[] CandidateDegrees = [2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20];

    /// <summary>Designed profile and its Gaussian-approximation threshold (crossover probability).</summary>
    public sealed record Design(LdpcDegreeProfile Profile, double ThresholdCrossover);

    /// <summary>Designs lambda for rate <paramref name="rate"/> and a base matrix of <paramref name="baseColumns"/> columns.</summary>
    public static Design For(double rate, int baseColumns, int maxDegree = 20)
    {
        Guard.InRange(rate, 0.3, 0.97, "");
        Guard.InRange(baseColumns, 16, 4096);
        var rows = Math.Max(3, (int)Math.Round((1 - rate) * baseColumns));
        var degrees = CandidateDegrees.Where(d => d <= rows && d <= maxDegree).ToArray();
        var grid = new double[100];
        for (var k = 0; k < grid.Length; k++)
        {
            grid[k] = 1e-3 * Math.Pow(1e5, k / (grid.Length - 1.0));
        }
        var candidates = CheckCandidates(rate, degrees[^1]);
        var needed = candidates.Select(c => Needed(c.Degrees, c.Rho, grid)).ToArray();
        var shannon = LdpcDegreeProfile.InverseEntropy(1 - rate);
        double lo = shannon * 0.3, hi = shannon;
        double[]? best = null;
        while (hi - lo > 1e-5)
        {
            var p = (lo + hi) / 2;
            var lambda = BestAt(p, degrees, grid, candidates, needed, rate);
            if (lambda is not null)
            {
                lo = p;
                best = lambda;
            }
            else
            {
                hi = p;
            }
        }
        best ??= BestAt(lo, degrees, grid, candidates, needed, 0);
        var kept = new List<int>();
        var weights = new List<double>();
        for (var i = 0; i < degrees.Length; i++)
        {
            if (best![i] > 1e-6)
            {
                kept.Add(degrees[i]);
                weights.Add(Math.Round(best[i], 5));
            }
        }
        // Rounded to 5 digits; the remainder goes to the largest share so the fractions sum to 1.
        var largest = weights.IndexOf(weights.Max());
        weights[largest] += 1 - weights.Sum();
        return new Design(new LdpcDegreeProfile([.. kept], [.. weights]), lo);
    }

    private static double[]? BestAt(double p, int[] degrees, double[] grid,
        List<(int[] Degrees, double[] Rho)> candidates, double[][] needed, double rate)
    {
        var columns = new double[grid.Length][];
        for (var k = 0; k < grid.Length; k++)
        {
            columns[k] = new double[degrees.Length];
            for (var i = 0; i < degrees.Length; i++)
            {
                columns[k][i] = LdpcDensityEvolution.VariableComplement(degrees[i], p, grid[k]);
            }
        }
        var bhattacharyya = 2 * Math.Sqrt(p * (1 - p));
        double bestRate = rate - 1e-12;
        double[]? best = null;
        for (var c = 0; c < candidates.Count; c++)
        {
            var (checkDegrees, rho) = candidates[c];
            double inverseMeanCheck = 0, rhoPrime = 0;
            for (var j = 0; j < rho.Length; j++)
            {
                inverseMeanCheck += rho[j] / checkDegrees[j];
                rhoPrime += rho[j] * (checkDegrees[j] - 1);
            }
            var rows = new List<double[]>();
            var bounds = new List<double>();
            var equality = new List<bool>();
            rows.Add([.. Enumerable.Repeat(1.0, degrees.Length)]);
            bounds.Add(1);
            equality.Add(true);
            for (var k = 0; k < grid.Length; k++)
            {
                if (needed[c][k] < 1e-12)
                {
                    continue;
                }
                rows.Add(columns[k]);
                bounds.Add((1 - Margin) * needed[c][k]);
                equality.Add(false);
            }
            var lambda2 = new double[degrees.Length];
            lambda2[0] = 1;
            rows.Add(lambda2);
            bounds.Add(Math.Min(1 / (bhattacharyya * rhoPrime), 2 * 0.98 * inverseMeanCheck));
            equality.Add(false);
            var objective = degrees.Select(d => 1.0 / d).ToArray();
            var x = LinearProgram.Maximise(objective, [.. rows], [.. bounds], [.. equality]);
            if (x is null)
            {
                continue;
            }
            double s = 0;
            for (var i = 0; i < x.Length; i++)
            {
                s += x[i] / degrees[i];
            }
            var achieved = 1 - inverseMeanCheck / s;
            if (achieved > bestRate)
            {
                bestRate = achieved;
                best = x;
            }
        }
        return best;
    }

    /// <summary>Per grid point, the 1 - E[tanh] variable messages may have at most for the check side to return more than r.</summary>
    private static double[] Needed(int[] checkDegrees, double[] rho, double[] grid)
    {
        var needed = new double[grid.Length];
        for (var k = 0; k < grid.Length; k++)
        {
            double lo = -40, hi = 0;
            for (var i = 0; i < 80; i++)
            {
                var mid = (lo + hi) / 2;
                if (LdpcDensityEvolution.CheckMean(checkDegrees, rho, Math.Exp(mid)) > grid[k])
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }
            needed[k] = lo <= -39.9 ? 0 : Math.Exp(lo);
        }
        return needed;
    }

    private static List<(int[] Degrees, double[] Rho)> CheckCandidates(double rate, int maxVariableDegree)
    {
        var low = Math.Max(3, (int)Math.Floor(2.2 / (1 - rate)));
        var high = Math.Max(low + 1, (int)Math.Ceiling(Math.Min(maxVariableDegree, 7.0) / (1 - rate)));
        var stride = Math.Max(1, (high - low) / 30);
        var list = new List<(int[], double[])>();
        for (var d = low; d <= high; d += stride)
        {
            foreach (var share in (ReadOnlySpan<double>)[0, 0.25, 0.5, 0.75])
            {
                list.Add(share == 0 ? ([d + 1], [1.0]) : ([d, d + 1], [share, 1 - share]));
            }
        }
        return list;
    }

    /// <summary>Concentrated check distribution (edge perspective) a code of rate R with profile lambda gets.</summary>
    public static (int[] Degrees, double[] Rho) ConcentratedChecks(LdpcDegreeProfile profile, double rate)
    {
        Guard.NotNull(profile);
        var meanCheck = profile.MeanVariableDegree / (1 - rate);
        var d = (int)Math.Floor(meanCheck);
        var rhoD = (1 / meanCheck - 1.0 / (d + 1)) * d * (d + 1);
        return ([d, d + 1], [rhoD, 1 - rhoD]);
    }

    /// <summary>Efficiency at the threshold: f* = (1 - R) / h(p*).</summary>
    public static double ThresholdEfficiency(double rate, double crossover) => (1 - rate) / Entropy.Binary(crossover);
}
