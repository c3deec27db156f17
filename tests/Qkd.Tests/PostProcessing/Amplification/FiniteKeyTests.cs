using Qkd.KeyRate;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class FiniteKeyTests
{
    [Fact]
    public void Bb84Length_MatchesEquation2_ByHand()
    {
        // Tomamichel et al., Nat. Commun. 3, 634 (2012), Eq. (2) with n = 1e6, k = 1e5, Q = 2 %, leak = 150,000,
        // eps_sec = 1e-10, eps_cor = 1e-15:
        // mu = sqrt(1.1e6 / 1e11 * (100001 / 1e5) * ln(2e10)) = 0.0161528; h(0.0361528) = 0.2243657;
        // l = 1e6 (1 - h) - 150000 - log2(2 / (1e-20 * 1e-15)) = 625,634.3 - 117.3 = 625,517.03 -> 625,517 (floored).
        var mu = Math.Sqrt(1.1e6 / 1e11 * (100001 / 1e5) * Math.Log(2e10));
        var expected = Math.Floor(1e6 * (1 - Entropy.Binary(0.02 + mu)) - 150_000 - Math.Log2(2 / (1e-20 * 1e-15)));
        Assert.Equal(0.0161528, mu, 6);
        Assert.Equal(expected, Bb84FiniteKey.SecretKeyLength(1e6, 1e5, 0.02, 150_000, 1e-10, 1e-15));
        Assert.Equal(625_517, expected);
    }

    [Fact]
    public void Bb84Length_DecreasesWithLeakAndQber_AndVanishesAtHighQber()
    {
        var l1 = Bb84FiniteKey.SecretKeyLength(1e6, 1e5, 0.02, 100_000, 1e-10, 1e-15);
        Assert.True(Bb84FiniteKey.SecretKeyLength(1e6, 1e5, 0.02, 120_000, 1e-10, 1e-15) < l1);
        Assert.True(Bb84FiniteKey.SecretKeyLength(1e6, 1e5, 0.03, 100_000, 1e-10, 1e-15) < l1);
        Assert.Equal(0, Bb84FiniteKey.SecretKeyLength(1e6, 1e5, 0.11, 500_000, 1e-10, 1e-15));
    }

    [Fact]
    public void QberEstimate_UpperBoundAddsSamplingDeviation()
    {
        var e = QberEstimate.FromSample(10_000, 200, 90_000, 1e-10);
        Assert.Equal(0.02, e.Qber, 12);
        Assert.Equal(0.02 + Bb84FiniteKey.SamplingDeviation(90_000, 10_000, 1e-10), e.UpperBound, 12);
        Assert.False(e.ShouldAbort);
        Assert.True(QberEstimate.FromSample(1000, 120, 9000, 1e-10).ShouldAbort);
    }
}
