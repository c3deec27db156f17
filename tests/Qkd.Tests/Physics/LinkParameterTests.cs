using Qkd.Physics;

namespace Qkd.Tests.Physics;

public class LinkParameterTests
{
    [Fact]
    public void Apply_EachName_ChangesOnlyThatField()
    {
        var gys = LinkPresets.Gys(25);
        Assert.Equal(0.3, LinkParameter.Apply(gys, "alpha-db-per-km", 0.3).Fiber.AttenuationDbPerKm);
        Assert.Equal(0.2, LinkParameter.Apply(gys, "detector-efficiency", 0.2).Detector.Efficiency);
        Assert.Equal(1e-5, LinkParameter.Apply(gys, "dark-count-per-pulse", 1e-5).Detector.DarkCountProbability);
        Assert.Equal(0.02, LinkParameter.Apply(gys, "misalignment", 0.02).Detector.Misalignment);
        Assert.Equal(1e9, LinkParameter.Apply(gys, "repetition-rate-hz", 1e9).Source.RepetitionRateHz);
        Assert.Equal(100, LinkParameter.Apply(gys, "distance-km", 100).Fiber.LengthKm);
        Assert.Equal(0.1, LinkParameter.Apply(gys, "mu", 0.1).Source.SignalMeanPhotonNumber);
        Assert.Equal(new[] { 0.1, 0.0 }, LinkParameter.Apply(gys, "decoy-mu", 0.1).Source.DecoyMeanPhotonNumbers.ToArray());
        Assert.Equal(0.21, LinkParameter.Apply(gys, "detector-efficiency", 0.2).Fiber.AttenuationDbPerKm);
    }

    [Fact]
    public void Apply_UnknownName_ThrowsListingTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => LinkParameter.Apply(LinkPresets.Gys(1), "colour", 1));
        Assert.Contains("detector-efficiency", e.Message);
    }

    [Fact]
    public void Apply_EfficiencyAboveOne_ThrowsNamingTheRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LinkParameter.Apply(LinkPresets.Gys(1), "detector-efficiency", 1.5));
        Assert.Contains("Detector efficiency", e.Message);
    }
}
