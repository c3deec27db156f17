using Qkd.KeyRate.FiniteKey;

namespace Qkd.Tests.KeyRate;

public class KeyLengthSpreadTests
{
    [Fact]
    public void LinearLength_SigmaIsTheExactPropagation()
    {
        // l = 3 c0 - 2 c1 + 7: sigma^2 = 3^2 var0 + 2^2 var1 = 9 * 4 + 4 * 9 = 72.
        double[] counts = [100, 50];
        double[] variances = [4, 9];
        var sigma = KeyLengthSpread.StandardDeviation(counts, variances, c => 3 * c[0] - 2 * c[1] + 7);
        Assert.Equal(Math.Sqrt(72), sigma, 12);
        Assert.Equal([100.0, 50.0], counts);
    }

    [Fact]
    public void PoissonCountThroughSquareRoot_MatchesTheDeltaMethod()
    {
        // l = sqrt(c), c Poisson with mean 1e6: sigma ~ sqrt(var) / (2 sqrt(c)) = 1e3 / 2e3 = 0.5.
        var sigma = KeyLengthSpread.StandardDeviation([1e6], [1e6], c => Math.Sqrt(c[0]));
        Assert.Equal(0.5, sigma, 4);
    }

    [Fact]
    public void MismatchedVariances_Throw()
        => Assert.ThrowsAny<ArgumentException>(() => KeyLengthSpread.StandardDeviation([1, 2], [1], c => c[0]));
}
