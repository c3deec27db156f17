using Qkd.Physics;

namespace Qkd.Tests.Physics;

public class DetectorSaturationTests
{
    [Fact]
    public void RateRatio_Unsaturated_IsTheTransmittance()
        => Assert.Equal(0.3, DetectorSaturation.RateRatio(0, 0.3), 1e-15);

    [Fact]
    public void RateRatio_DeeplySaturated_ApproachesOne()
        => Assert.Equal(1, DetectorSaturation.RateRatio(1e9, 0.1), 1e-8);

    [Fact]
    public void RateRatio_IsTheRatioOfRecordedRates_XOverOnePlusX()
    {
        const double x = 4, t = 0.25;
        static double Recorded(double s) => s / (1 + s);
        Assert.Equal(Recorded(t * x) / Recorded(x), DetectorSaturation.RateRatio(x, t), 1e-15);
    }

    [Theory]
    [InlineData(0.5, 0.2)]
    [InlineData(3, 0.15)]
    [InlineData(40, 0.9)]
    public void ImpliedSaturation_InvertsRateRatio(double x, double t)
        => Assert.Equal(x, DetectorSaturation.ImpliedSaturation(DetectorSaturation.RateRatio(x, t), t), 1e-9 * (1 + x));

    /// <summary>Seed 002 (Corrias et al., IET Quantum Commun. 2023): 5.1 keys/s at 12.7 km, 3.6 at 50 km, 0.22 dB/km.</summary>
    [Fact]
    public void ImpliedSaturation_Seed002PairAt50Km_IsAboutTwelve()
    {
        var t = new Fiber(50 - 12.7, 0.22).Transmittance;
        var x = DetectorSaturation.ImpliedSaturation(3.6 / 5.1, t);
        Assert.InRange(x, 12, 13);
        Assert.Equal(3.6 / 5.1, DetectorSaturation.RateRatio(x, t), 1e-12);
    }

    [Theory]
    [InlineData(0.1, 0.2)]
    [InlineData(1.0, 0.2)]
    [InlineData(double.NaN, 0.2)]
    public void ImpliedSaturation_RatioOutsideTransmittanceToOne_Throws(double r, double t)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DetectorSaturation.ImpliedSaturation(r, t));
        Assert.Contains("rate ratio must lie within (0.2, 1)", e.Message);
    }

    [Fact]
    public void RateRatio_NegativeSaturation_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => DetectorSaturation.RateRatio(-1, 0.5));
}
