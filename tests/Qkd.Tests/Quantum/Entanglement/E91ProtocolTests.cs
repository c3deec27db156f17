using System.Collections.Immutable;
using Qkd.Physics;
using Qkd.Quantum;

namespace Qkd.Tests.Quantum;

public class E91ProtocolTests
{
    internal static LinkDescription Link(double distanceKm, double misalignment = 0, double dark = 0, double efficiency = 1)
        => new(new Fiber(distanceKm, 0.2), 0, new Source(SourceKind.SinglePhoton, 1, ImmutableArray<double>.Empty, 1e6),
            new Detector(efficiency, dark, misalignment));

    [Fact]
    public void NoEve_IdealLink_ChshNearTwoSqrtTwo_AndZeroQber()
    {
        var r = E91Protocol.Simulate(Link(0), pairs: 200_000, E91Eavesdropper.None, seed: 1);
        Assert.Equal(2 * Math.Sqrt(2), r.ExpectedChsh, 12);
        Assert.InRange(r.Chsh, 2 * Math.Sqrt(2) - 5 * r.ChshStandardError, 2 * Math.Sqrt(2) + 5 * r.ChshStandardError);
        Assert.True(r.BellViolated);
        Assert.Equal(0, r.Qber);
        Assert.Equal(200_000, r.Coincidences);
    }

    [Fact]
    public void InterceptResend_ChshAtMostTwo_AndNearSqrtTwo_WithQberNearFivePoint24ths()
    {
        var r = E91Protocol.Simulate(Link(0), pairs: 200_000, E91Eavesdropper.InterceptResend, seed: 2);
        // Eve's measurement leaves a product state: a local model, |S| <= 2 (CHSH 1969). At these angles S = sqrt 2.
        Assert.True(r.Chsh <= 2, $"S = {r.Chsh}");
        Assert.False(r.BellViolated);
        Assert.Equal(Math.Sqrt(2), r.ExpectedChsh, 12);
        Assert.InRange(r.Chsh, Math.Sqrt(2) - 5 * r.ChshStandardError, Math.Sqrt(2) + 5 * r.ChshStandardError);
        // QBER = mean of 1/4 (key angle pi/8) and 1/6 (pi/4) = 5/24.
        Assert.Equal(5.0 / 24, r.ExpectedQber, 12);
        Assert.InRange(r.Qber, 5.0 / 24 - 0.01, 5.0 / 24 + 0.01);
    }

    [Fact]
    public void LossyNoisyFibre_MatchesAnalyticModel()
    {
        var link = Link(40, misalignment: 0.02, dark: 1e-3, efficiency: 0.5);
        var r = E91Protocol.Simulate(link, pairs: 2_000_000, E91Eavesdropper.None, seed: 3);
        var model = new E91Link(link);
        Assert.Equal(Math.Pow(1 - 0.04, 2), model.Visibility, 12);
        var expectedSifted = model.ExpectedSiftedBitsPerPair * r.Pairs;
        Assert.InRange(r.SiftedBits, expectedSifted - 5 * Math.Sqrt(expectedSifted), expectedSifted + 5 * Math.Sqrt(expectedSifted));
        var qberSigma = Math.Sqrt(r.ExpectedQber * (1 - r.ExpectedQber) / r.SiftedBits);
        Assert.InRange(r.Qber, r.ExpectedQber - 5 * qberSigma, r.ExpectedQber + 5 * qberSigma);
        Assert.InRange(r.Chsh, r.ExpectedChsh - 5 * r.ChshStandardError, r.ExpectedChsh + 5 * r.ChshStandardError);
        Assert.True(r.ExpectedChsh < 2 * Math.Sqrt(2) && r.ExpectedChsh > 2);
    }

    [Fact]
    public void LongerFibre_LowersSiftedRateAndRaisesQber()
    {
        var near = new E91Link(Link(10, 0.01, 1e-5, 0.2));
        var far = new E91Link(Link(150, 0.01, 1e-5, 0.2));
        Assert.True(far.ExpectedSiftedBitsPerPair < near.ExpectedSiftedBitsPerPair);
        Assert.True(far.ExpectedQber(E91Eavesdropper.None) > near.ExpectedQber(E91Eavesdropper.None));
        Assert.True(far.ExpectedChsh(E91Eavesdropper.None) < near.ExpectedChsh(E91Eavesdropper.None));
    }

    [Fact]
    public void Simulate_SameSeed_SameResult()
        => Assert.Equal(E91Protocol.Simulate(Link(20, 0.01, 1e-4, 0.3), 50_000, E91Eavesdropper.None, 9),
            E91Protocol.Simulate(Link(20, 0.01, 1e-4, 0.3), 50_000, E91Eavesdropper.None, 9));

    [Fact]
    public void Curve_QberRisesAndKeyRateFallsWithDistance_AndKeyStopsWhenBellTestFails()
    {
        var curve = E91Link.Curve(Link(0, misalignment: 0.01, dark: 1e-4, efficiency: 0.6), 300, 11, E91Eavesdropper.None);
        Assert.Equal(11, curve.Length);
        Assert.Equal(300, curve[^1].DistanceKm, 12);
        for (var i = 1; i < curve.Length; i++)
        {
            Assert.True(curve[i].Qber >= curve[i - 1].Qber);
            Assert.True(curve[i].SiftedKeyRateBitsPerSecond < curve[i - 1].SiftedKeyRateBitsPerSecond);
        }
        Assert.All(curve, p => Assert.True(p.Chsh > 2 || p.SecretKeyRateBitsPerSecond == 0));
        Assert.True(curve[^1].Chsh < 2);
    }
}
