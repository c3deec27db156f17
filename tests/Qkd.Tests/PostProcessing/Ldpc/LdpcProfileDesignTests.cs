using Qkd.PostProcessing.Ldpc;

namespace Qkd.Tests.PostProcessing.Ldpc;

public class LdpcProfileDesignTests
{
    [Fact]
    public void Threshold_RegularThreeSixCode_NearTheDensityEvolutionValue()
    {
        // Richardson and Urbanke, "The capacity of low-density parity-check codes under message-passing decoding",
        // IEEE Trans. Inf. Theory 47, 599 (2001), Table II: the (3, 6)-regular ensemble under belief propagation on
        // the BSC has threshold p* = 0.084. The Gaussian approximation at the check node lands within 0.004.
        var regular = new LdpcDegreeProfile([3], [1.0]);
        var p = LdpcDensityEvolution.Threshold(regular, [6], [1.0]);
        Assert.InRange(p, 0.080, 0.088);
    }

    [Fact]
    public void GaussianComplement_InverseRoundTrips_AndMatchesKnownPoints()
    {
        // 1 - J(m) at m = 0 is 1; J is increasing, so the complement falls; the inverse recovers m.
        Assert.Equal(1, LdpcDensityEvolution.GaussianComplement(0), 12);
        var previous = 1.0;
        foreach (var m in new[] { 0.01, 0.1, 1, 3, 10, 30, 100 })
        {
            var c = LdpcDensityEvolution.GaussianComplement(m);
            Assert.True(c < previous);
            previous = c;
            Assert.Equal(m, LdpcDensityEvolution.InverseGaussianComplement(c), m * 1e-3);
        }
    }

    [Theory]
    [InlineData(0.50)]
    [InlineData(0.90)]
    public void Design_ReproducesTheCommittedRow(double rate)
    {
        var design = LdpcProfileDesign.For(rate, 240);
        var row = LdpcProfileTable.Rows.Single(r => Math.Abs(r.Rate - rate) < 1e-9);
        Assert.Equal(row.Degrees.ToArray(), design.Profile.Degrees.ToArray());
        for (var i = 0; i < row.Lambda.Length; i++)
        {
            Assert.Equal(row.Lambda[i], design.Profile.Lambda[i], 4);
        }
        Assert.Equal(row.ThresholdCrossover, design.ThresholdCrossover, 4);
    }

    [Fact]
    public void Table_EveryRow_IsADistribution_Stable_AndWithinFivePercentOfCapacityAtThreshold()
    {
        Assert.Equal(LdpcCodeBook.RateCount(LdpcOptions.Default.RateStep), LdpcProfileTable.Rows.Length);
        foreach (var row in LdpcProfileTable.Rows)
        {
            Assert.Equal(1, row.Lambda.Sum(), 4);
            Assert.All(row.Lambda, l => Assert.True(l >= 0));
            var (degrees, rho) = LdpcProfileDesign.ConcentratedChecks(row.Profile, row.Rate);
            var rhoPrime = rho[0] * (degrees[0] - 1) + rho[1] * (degrees[1] - 1);
            var p = row.ThresholdCrossover;
            var lambda2 = row.Degrees[0] == 2 ? row.Lambda[0] : 0;
            // Stability (Richardson, Shokrollahi, Urbanke 2001, Theorem 5, BSC): lambda_2 rho'(1) < 1 / (2 sqrt(p(1-p))).
            Assert.True(lambda2 * rhoPrime < 1 / (2 * Math.Sqrt(p * (1 - p))), $"rate {row.Rate}: unstable");
            Assert.InRange(LdpcProfileDesign.ThresholdEfficiency(row.Rate, p), 1.0, 1.08);
        }
    }

    [Fact]
    public void Table_ThresholdOfARow_HoldsUnderTheConstructionsCheckDegrees()
    {
        // The construction concentrates check degrees on two values; the row's threshold still holds for them.
        var row = LdpcProfileTable.Rows.Single(r => Math.Abs(r.Rate - 0.8) < 1e-9);
        var (degrees, rho) = LdpcProfileDesign.ConcentratedChecks(row.Profile, row.Rate);
        Assert.True(LdpcDensityEvolution.Converges(row.Profile, degrees, rho, row.ThresholdCrossover * 0.98));
        Assert.False(LdpcDensityEvolution.Converges(row.Profile, degrees, rho, LdpcDegreeProfile.InverseEntropy(1 - row.Rate)));
    }

    [Fact]
    public void LinearProgram_SmallKnownProblem_FindsTheOptimum()
    {
        // max 3x + 2y s.t. x + y <= 4, x + 3y <= 6, x - y >= -1 (written -x + y <= 1), x + y = 4 -> x = 4, y = 0.
        var x = LinearProgram.Maximise([3, 2], [[1, 1], [1, 3], [-1, 1], [1, 1]], [4, 6, 1, 4], [false, false, false, true]);
        Assert.NotNull(x);
        Assert.Equal(4, x[0], 9);
        Assert.Equal(0, x[1], 9);
        // Infeasible: x + y <= 1 and x + y >= 3.
        Assert.Null(LinearProgram.Maximise([1, 1], [[1, 1], [-1, -1]], [1, -3], [false, false]));
    }
}
