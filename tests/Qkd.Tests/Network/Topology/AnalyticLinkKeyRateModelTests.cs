using Qkd.KeyRate.Analysis;
using Qkd.Network;
using Qkd.Physics;

namespace Qkd.Tests.Network;

public class AnalyticLinkKeyRateModelTests
{
    private static readonly LinkDescription Link = new(new Fiber(0, 0.21), 0, new Source(SourceKind.WeakCoherent, 0.48, [0.1, 0], 2e6),
        new Detector(0.045, 1.7e-6, 0.033));

    [Fact]
    public void SecretKeyRate_IsTheFoundationRateAtTheSignalIntensity_AndFallsWithDistance()
    {
        var model = AnalyticLinkKeyRateModel.Named(AnalyticLinkKeyRateModel.DefaultModel);
        var previous = double.PositiveInfinity;
        foreach (var km in new[] { 0.0, 20, 50, 80, 110 })
        {
            var l = Link.WithFiberLength(km);
            var r = model.SecretKeyRateBitsPerSecond(l);
            Assert.Equal(KeyRateAnalysis.Analyse(model.Model, l, 0.48, false).SecretKeyRateBps, r, 1e-9 * r);
            Assert.True(r > 0 && r < previous, $"{km} km: {r} bit/s");
            previous = r;
        }
    }

    [Fact]
    public void SecretKeyRate_BeyondTheCutOff_IsZeroNotNegative()
        => Assert.Equal(0, AnalyticLinkKeyRateModel.Named("decoy-vacuum-weak").SecretKeyRateBitsPerSecond(Link.WithFiberLength(300)));

    [Fact]
    public void Named_UsesTheModelOfThatName()
        => Assert.Equal("gllp", AnalyticLinkKeyRateModel.Named("gllp").Model.Name);
}
