using System.Collections.Immutable;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The committed degree distributions of the mother codes, one row per rate 0.40, 0.42, ..., 0.96 (the family of
/// <see cref="LdpcCodeBook"/>): edge-perspective lambda(x) for the binary symmetric channel and its
/// Gaussian-approximation threshold p* (crossover probability), with the efficiency at threshold in a comment,
/// f* = (1 - R) / h(p*).
/// </summary>
/// <remarks>
/// Made by <see cref="LdpcProfileDesign.For"/>(rate, 240) (density evolution in the Gaussian approximation with the
/// exact BSC channel term, and the linear program of Chung, Richardson, Urbanke, IEEE Trans. Inf. Theory 47, 657
/// (2001), Sec. V; variable degrees up to 20, 2 % convergence margin, stability and degree-2 constraints; December
/// 2026, about 40 s for all rows). `LdpcProfileDesignTests.Design_ReproducesTheCommittedRow` re-derives rows of this
/// table, so a change to the design procedure that would change the codes fails a test instead of changing them
/// silently. The shape agrees with the published BSC/AWGN-optimised distributions (Richardson, Shokrollahi,
/// Urbanke, IEEE Trans. Inf. Theory 47, 619 (2001); Elkouss, Leverrier, Alleaume, Boutros, ISIT 2009,
/// arXiv:0901.2140): a few percent of edges on degree 2 (capped by stability and by the staircase), about 30 % on
/// degree 3 and 35-55 % on the largest degree.
/// </remarks>
public static class LdpcProfileTable
{
    /// <summary>One row: mother rate, threshold crossover, degrees and edge fractions.</summary>
    public sealed record Row(double Rate, double ThresholdCrossover, ImmutableArray<int> Degrees, ImmutableArray<double> Lambda)
    {
        /// <summary>The row's profile.</summary>
        public LdpcDegreeProfile Profile { get; } = new(Degrees, Lambda);
    }

    /// <summary>The rows, by ascending rate.</summary>
    public static ImmutableArray<Row> Rows { get; } =
    [
        new(0.40, 0.13519, [2, 3, 6, 7, 20], [0.24125, 0.17657, 0.16424, 0.11138, 0.30656]), // f* = 1.0499
        new(0.42, 0.12833, [2, 3, 6, 7, 20], [0.22821, 0.17242, 0.20631, 0.05708, 0.33598]), // f* = 1.0491
        new(0.44, 0.12161, [2, 3, 6, 7, 20], [0.22484, 0.17868, 0.15777, 0.11822, 0.32049]), // f* = 1.0487
        new(0.46, 0.11502, [2, 3, 6, 7, 20], [0.21482, 0.17315, 0.20992, 0.05215, 0.34996]), // f* = 1.0488
        new(0.48, 0.10876, [2, 3, 6, 7, 20], [0.21273, 0.18415, 0.12140, 0.16126, 0.32046]), // f* = 1.0481
        new(0.50, 0.10257, [2, 3, 6, 7, 20], [0.20468, 0.17957, 0.16743, 0.10452, 0.34380]), // f* = 1.0480
        new(0.52, 0.09669, [2, 3, 6, 7, 20], [0.19793, 0.18383, 0.13436, 0.14087, 0.34301]), // f* = 1.0471
        new(0.54, 0.09088, [2, 3, 6, 7, 20], [0.19202, 0.18488, 0.13455, 0.13897, 0.34958]), // f* = 1.0469
        new(0.56, 0.08531, [2, 3, 6, 7, 20], [0.18709, 0.19096, 0.09486, 0.18933, 0.33776]), // f* = 1.0461
        new(0.58, 0.07979, [2, 3, 6, 7, 20], [0.17447, 0.19977, 0.08112, 0.18702, 0.35762]), // f* = 1.0462
        new(0.60, 0.07441, [2, 3, 6, 7, 20], [0.16333, 0.21061, 0.05319, 0.20425, 0.36862]), // f* = 1.0467
        new(0.62, 0.06925, [2, 3, 7, 20], [0.15391, 0.22377, 0.25830, 0.36402]), // f* = 1.0464
        new(0.64, 0.06422, [2, 3, 7, 20], [0.14269, 0.23045, 0.24474, 0.38212]), // f* = 1.0466
        new(0.66, 0.05934, [2, 3, 7, 20], [0.13300, 0.23775, 0.24090, 0.38835]), // f* = 1.0467
        new(0.68, 0.05462, [2, 3, 7, 8, 20], [0.12454, 0.24869, 0.19137, 0.05744, 0.37796]), // f* = 1.0468
        new(0.70, 0.05005, [2, 3, 7, 8, 20], [0.11369, 0.25121, 0.21631, 0.01253, 0.40626]), // f* = 1.0468
        new(0.72, 0.04563, [2, 3, 7, 8, 20], [0.10602, 0.26373, 0.13769, 0.10655, 0.38601]), // f* = 1.0467
        new(0.74, 0.04135, [2, 3, 7, 8, 20], [0.09683, 0.26927, 0.12740, 0.11124, 0.39526]), // f* = 1.0465
        new(0.76, 0.03723, [2, 3, 7, 8, 20], [0.08812, 0.27506, 0.11126, 0.12556, 0.40000]), // f* = 1.0461
        new(0.78, 0.03324, [2, 3, 7, 8, 20], [0.08003, 0.28243, 0.07622, 0.16671, 0.39461]), // f* = 1.0456
        new(0.80, 0.02940, [2, 3, 7, 8, 20], [0.07130, 0.28424, 0.09304, 0.14175, 0.40967]), // f* = 1.0450
        new(0.82, 0.02570, [2, 3, 7, 8, 20], [0.06323, 0.28794, 0.08685, 0.14854, 0.41344]), // f* = 1.0443
        new(0.84, 0.02215, [2, 3, 7, 8, 20], [0.05522, 0.29165, 0.06057, 0.17349, 0.41907]), // f* = 1.0432
        new(0.86, 0.01876, [2, 3, 8, 20], [0.04752, 0.29709, 0.23491, 0.42048]), // f* = 1.0416
        new(0.88, 0.01551, [2, 3, 8, 20], [0.04042, 0.29968, 0.24998, 0.40992]), // f* = 1.0396
        new(0.90, 0.01242, [2, 3, 7, 8, 20], [0.03308, 0.29944, 0.00054, 0.25386, 0.41308]), // f* = 1.0370
        new(0.92, 0.00934, [2, 3, 7, 8, 15], [0.02800, 0.32571, 0.15573, 0.01815, 0.47241]), // f* = 1.0473
        new(0.94, 0.00653, [2, 3, 6, 12], [0.02166, 0.34926, 0.05573, 0.57335]), // f* = 1.0569
        new(0.96, 0.00397, [2, 3, 8, 10], [0.01543, 0.38354, 0.05347, 0.54756]), // f* = 1.0710
    ];

    /// <summary>The profile of the row whose rate is nearest <paramref name="rate"/>.</summary>
    public static LdpcDegreeProfile Nearest(double rate)
    {
        var best = Rows[0];
        foreach (var row in Rows)
        {
            if (Math.Abs(row.Rate - rate) < Math.Abs(best.Rate - rate))
            {
                best = row;
            }
        }
        return best.Profile;
    }
}
